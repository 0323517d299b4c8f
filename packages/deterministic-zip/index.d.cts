/** One file of an archive. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

/** A file read back from an archive, with its Unix mode (0o100644 for what zipFiles writes). */
export interface UnzippedEntry {
  readonly name: string;
  readonly data: Buffer;
  readonly mode: number;
}

/**
 * Writes `files` as one reproducible zip: sorted by name, fixed 1980-01-01 timestamps, mode 0644,
 * deflate level 9 or stored when deflate would not make an entry smaller, no extra fields.
 *
 * @example
 * ```ts
 * const zip = zipFiles([{ name: 'index.js', data: Buffer.from(code) }]);
 * ```
 */
export declare function zipFiles(files: readonly ZipEntry[]): Buffer;

/** Reads an archive written by zipFiles (or any stored/deflated zip without zip64), checking each CRC. */
export declare function unzipFiles(zip: Buffer): UnzippedEntry[];
