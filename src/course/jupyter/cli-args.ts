/** A command's options, or null after logging why its arguments were refused (the caller exits with 2). */
export function parsedArgs<T>(parse: () => T, log: (line: string) => void): T | null {
  try {
    return parse();
  } catch (err) {
    log((err as Error).message);
    return null;
  }
}
