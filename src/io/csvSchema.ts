// A CSV file's columns declared once: the column order written, the row type, which cells are
// numbers (parsed on reading) and which are text. A schema is an object literal whose key order is
// the column order (string keys keep insertion order, ECMA-262 OrdinaryOwnPropertyKeys).

export interface Column<T extends string | number, Optional extends boolean> {
  kind: T extends number ? 'number' : 'text';
  optional: Optional;
  /** Carries T for the row type; never set. */
  readonly _value?: T;
}

/** A number cell that every row has. */
export const num = (): Column<number, false> => ({ kind: 'number', optional: false });
/** A number cell that may be empty (written as '' for undefined, never 0). */
export const optNum = (): Column<number, true> => ({ kind: 'number', optional: true });
/** A text cell that every row has (T narrows it to a union of words). */
export const text = <T extends string = string>(): Column<T, false> =>
  ({ kind: 'text', optional: false }) as Column<T, false>;
export const optText = <T extends string = string>(): Column<T, true> =>
  ({ kind: 'text', optional: true }) as Column<T, true>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CsvSchema = Record<string, Column<any, boolean>>;

type ValueOf<C> = C extends Column<infer T, boolean> ? T : never;
type Flatten<T> = { [K in keyof T]: T[K] };

/** The row a writer fills: required columns are required, optional ones may be undefined. */
export type RowOf<S extends CsvSchema> = Flatten<
  { [K in keyof S as S[K]['optional'] extends false ? K : never]: ValueOf<S[K]> } & {
    [K in keyof S as S[K]['optional'] extends true ? K : never]?: ValueOf<S[K]>;
  }
>;

/** The row a reader returns from a file it did not write: text columns as declared (unchecked
 *  words are kept as text), number columns undefined when the cell is empty or the column absent
 *  (older runs lack newer columns). */
export type ReadRowOf<S extends CsvSchema> = Flatten<
  {
    [K in keyof S as S[K]['kind'] extends 'text' ? (S[K]['optional'] extends false ? K : never) : never]: ValueOf<S[K]>;
  } & {
    [K in keyof S as S[K]['kind'] extends 'text' ? (S[K]['optional'] extends true ? K : never) : K]?: ValueOf<S[K]>;
  }
>;

/** The columns in file order. */
export function columnsOf<S extends CsvSchema>(schema: S): (keyof S & string)[] {
  return Object.keys(schema) as (keyof S & string)[];
}

/** The columns holding numbers. */
export function numericColumnsOf<S extends CsvSchema>(schema: S): (keyof S & string)[] {
  return columnsOf(schema).filter((c) => schema[c].kind === 'number');
}
