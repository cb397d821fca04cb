import { parseArgs, type ParseArgsConfig } from "node:util";

type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;

/** The flags given (a boolean flag as true, a flag with a value as its string). */
type FlagValues<T extends OptionSpecs> = { [K in keyof T]?: T[K]["type"] extends "boolean" ? boolean : string };

/**
 * A command's flags (`--flag value` or `--flag=value`) and its other arguments, read by Node's
 * parseArgs. -h/--help, an unknown flag and a flag without its value throw, the usage appended.
 */
export function readArgs<T extends OptionSpecs>(args: readonly string[], options: T, usage: string): { values: FlagValues<T>; positionals: string[] } {
  if (args.includes("-h") || args.includes("--help")) throw new Error(usage);
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true }) as { values: FlagValues<T>; positionals: string[] };
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${usage}`);
  }
}

/** A command's options, or null after logging why its arguments were refused (the caller exits with 2). */
export function parsedArgs<T>(parse: () => T, log: (line: string) => void): T | null {
  try {
    return parse();
  } catch (err) {
    log((err as Error).message);
    return null;
  }
}
