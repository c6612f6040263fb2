// Generated from the JSON Schema by scripts/generate-types.ts (npm run generate). Do not edit.
/**
 * Maps source values (e.g. an HR system's department names) to target codes (e.g. a ledger's sub-account segment codes). Rows are looked up by exact value, or case-insensitively when caseSensitive is false.
 */
export interface MappingTableFile {
  $schema?: string;
  /**
   * Identifier of the table, shown in audit records.
   */
  name: string;
  description?: string;
  target: {
    /**
     * The sink's segment these codes belong to (e.g. department). Codes are checked against that segment's length and character rules.
     */
    segment: string;
  };
  /**
   * Whether source values must match a row's case exactly. Surrounding spaces are always ignored.
   */
  caseSensitive?: boolean;
  /**
   * Code used for values with no row when the map step says onMissing: default.
   */
  default?: string;
  /**
   * @minItems 1
   */
  rows: {
    /**
     * The source value, e.g. a department name as the source spells it.
     */
    from: string;
    /**
     * The target code, e.g. a sub-account segment code.
     */
    to: string;
    /**
     * Description written to the target with the code (at most 40 characters).
     */
    description?: string;
    /**
     * Free text for reviewers; not used at run time.
     */
    note?: string;
  }[];
}
