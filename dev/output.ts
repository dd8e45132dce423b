/**
 * Interleaved service output with a padded, coloured prefix per service (plain when not a TTY
 * or with NO_COLOR), as docker compose and foreman print it.
 *
 * @module
 */

const palette = [36, 33, 35, 32, 34, 96, 93, 95];

/** Options of {@linkcode createPrefixer}. */
export interface PrefixerOptions {
  /** Every name that will print, for the padding and colour order. */
  names: readonly string[];
  /** ANSI colours. */
  color: boolean;
}

/** Returns `prefix(name, line)` that formats one output line. */
export function createPrefixer(options: PrefixerOptions): (name: string, line: string) => string {
  const width = Math.max(...options.names.map((n) => n.length));
  const colours = new Map(options.names.map((n, i) => [n, palette[i % palette.length]]));
  return (name, line) => {
    const label = `${name.padEnd(width)} |`;
    if (!options.color) return `${label} ${line}`;
    return `\x1b[${colours.get(name) ?? 1}m${label}\x1b[0m ${line}`;
  };
}
