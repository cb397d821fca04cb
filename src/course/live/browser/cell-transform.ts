/**
 * A cell's TypeScript → a script that runs with tslab's semantics in one shared global scope:
 * top-level `const`/`let`/`class` become `var` bindings (so a later cell sees them and re-running a
 * cell that declares `const x` works, as in tslab), imports become reads of the bundled modules, and
 * every line keeps its number (the source map then gives the column). Every loop's body starts with
 * `__bnlabLoopGuard();`, so a check's time limit can stop a learner's endless loop in the worker
 * (exercises/time-limit.browser.ts). The page only TRANSPILES: type errors are not reported
 * (syntax errors are).
 */
import type * as TS from "typescript";
import { decodeLineMap, type LineMap } from "./source-map";

export interface CellDiagnostic {
  line: number;
  column: number;
  message: string;
  code: number;
}

interface CompiledCell {
  /** JavaScript for an indirect eval (ends with a sourceURL naming the cell). */
  js: string;
  /** The last top-level statement is an expression: its value is shown, as tslab shows it. */
  showsLastValue: boolean;
  /** Syntax errors (nothing runs when there is one). */
  diagnostics: CellDiagnostic[];
  /** Generated line (0-based) → segments mapping back to the cell's lines. */
  lines: LineMap;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

const newlinesOf = (text: string): string => "\n".repeat((text.match(/\n/g) ?? []).length);

function importEdit(ts: typeof TS, statement: TS.ImportDeclaration, file: TS.SourceFile): Edit {
  const start = statement.getStart(file);
  const original = file.text.slice(start, statement.end);
  const spec = (statement.moduleSpecifier as TS.StringLiteral).text;
  const clause = statement.importClause;
  const from = `__bnlabImport(${JSON.stringify(spec)})`;
  const parts: string[] = [];
  if (clause && !clause.isTypeOnly) {
    if (clause.name) parts.push(`var ${clause.name.text} = ${from}.default;`);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) parts.push(`var ${bindings.name.text} = ${from};`);
    if (bindings && ts.isNamedImports(bindings)) {
      const names = bindings.elements
        .filter((e) => !e.isTypeOnly)
        .map((e) => (e.propertyName ? `${e.propertyName.text}: ${e.name.text}` : e.name.text));
      if (names.length > 0) parts.push(`var { ${names.join(", ")} } = ${from};`);
    }
  }
  if (!clause) parts.push(`${from};`);
  return { start, end: statement.end, text: parts.join(" ") + newlinesOf(original) };
}

function exportKeywordEdits(ts: typeof TS, statement: TS.Statement, file: TS.SourceFile): Edit[] {
  const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) ?? [] : [];
  return modifiers
    .filter((m) => m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DefaultKeyword)
    .map((m) => ({ start: m.getStart(file), end: m.end, text: " ".repeat(m.end - m.getStart(file)) }));
}

function statementEdits(ts: typeof TS, statement: TS.Statement, file: TS.SourceFile): Edit[] {
  if (ts.isImportDeclaration(statement)) return [importEdit(ts, statement, file)];
  const edits = exportKeywordEdits(ts, statement, file);
  if (ts.isVariableStatement(statement)) {
    const list = statement.declarationList;
    const start = list.getStart(file);
    const keyword = file.text.startsWith("const", start) ? "const" : file.text.startsWith("let", start) ? "let" : null;
    if (keyword) edits.push({ start, end: start + keyword.length, text: keyword === "const" ? "var  " : "var" });
  } else if (ts.isClassDeclaration(statement) && statement.name) {
    const keyword = statement.getChildren(file).find((c) => c.kind === ts.SyntaxKind.ClassKeyword);
    if (keyword) edits.push({ start: keyword.getStart(file), end: keyword.getStart(file), text: `var ${statement.name.text} = ` });
  }
  return edits;
}

const LOOP_GUARD = "__bnlabLoopGuard();";

/** The guard first in the body of every loop of the cell, on the body's first line. */
function loopGuardEdits(ts: typeof TS, file: TS.SourceFile): Edit[] {
  const edits: Edit[] = [];
  const visit = (node: TS.Node): void => {
    if (ts.isIterationStatement(node, false)) {
      const body = node.statement;
      if (ts.isBlock(body)) edits.push({ start: body.getStart(file) + 1, end: body.getStart(file) + 1, text: LOOP_GUARD });
      else edits.push({ start: body.getStart(file), end: body.getStart(file), text: `{${LOOP_GUARD} ` }, { start: body.end, end: body.end, text: "}" });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return edits;
}

export function compileCell(ts: typeof TS, source: string, cellName: string): CompiledCell {
  const file = ts.createSourceFile(`${cellName}.ts`, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edits = [...file.statements.flatMap((s) => statementEdits(ts, s, file)), ...loopGuardEdits(ts, file)].sort((a, b) => b.start - a.start);
  let edited = source;
  for (const edit of edits) edited = edited.slice(0, edit.start) + edit.text + edited.slice(edit.end);
  const output = ts.transpileModule(edited, {
    fileName: `${cellName}.ts`,
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None, sourceMap: true, useDefineForClassFields: true },
  });
  const diagnostics = (output.diagnostics ?? []).map((d): CellDiagnostic => {
    const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
    return { line: at.line + 1, column: at.character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, "\n"), code: d.code };
  });
  const last = file.statements[file.statements.length - 1];
  const js = output.outputText.replace(/\/\/# sourceMappingURL=.*\s*$/, "");
  return {
    js: `${js}\n//# sourceURL=${cellName}.js`,
    showsLastValue: last !== undefined && ts.isExpressionStatement(last),
    diagnostics,
    lines: decodeLineMap(output.sourceMapText ?? '{"mappings":""}'),
  };
}
