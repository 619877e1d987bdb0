// Numbers as the README promises them, on the command line and in CSV cells: decimal only.

/**
 * A number written in decimal ('12', '-0.5', '1e-3'); anything else (hex '0x10', binary '0b1',
 * octal '0o7', 'Infinity', blanks) is NaN. Number() alone would read '0x10' as 16.
 */
export function decimalNumber(text: string): number {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) ? Number(text) : NaN;
}
