/** What validation may need beyond the document itself: files it refers to. */
export interface ParseOptions {
  /**
   * Reads a file the scenario refers to (a trace CSV) at its resolved path, or throws.
   * Absent: a scenario that refers to a file is rejected. load.ts supplies a reader.
   */
  readonly readText?: (path: string) => string;
  /** Directory that relative file paths resolve against; absent: they stay as written. */
  readonly baseDir?: string;
  /**
   * Seed that samples a scenario family (see family.ts); absent: the file's `seed` if it
   * is a plain integer, else 1. Ignored for a plain scenario.
   */
  readonly familySeed?: number;
}
