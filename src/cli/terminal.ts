// What reaches the terminal: strings from a user's files (CSV column names, labels, paths) may hold
// escape sequences that set the window title or clear the screen. Every line printed goes through
// here, control characters written out as escapes.

// C0 controls but newline, DEL, the C1 controls (0x80-0x9f: CSI 0x9b starts a sequence on some terminals).
const CONTROLS = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/g; // eslint-disable-line no-control-regex
const CONTROLS_AND_NEWLINE = /[\x00-\x1f\x7f-\x9f]/g; // eslint-disable-line no-control-regex

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const escape = (c: string) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** One value quoted in a message: every control character escaped, newlines too (one line stays one line). */
export function printable(text: string): string {
  return text.replace(CONTROLS_AND_NEWLINE, escape);
}

/** Lines for the terminal: control characters escaped, the newlines between lines kept. */
export function printableLines(text: string): string {
  return text.replace(CONTROLS, escape);
}

/** console.log / console.error, escaped. */
export const printLine = (line: string): void => console.log(printableLines(line));
export const printError = (line: string): void => console.error(printableLines(line));
