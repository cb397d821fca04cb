"use strict";
/**
 * Which names a notebook cell declares at its top level and which it uses, read from its syntax
 * tree (the TypeScript parser tslab ships; a cell with type errors still parses).
 */

/**
 * @typedef {{ declared: Set<string>, used: Set<string>, importsLibrary: boolean }} CellNames
 */

/**
 * @param {typeof import("typescript")} ts
 * @param {string} source
 * @returns {CellNames}
 */
function cellNames(ts, source) {
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  /** @type {Set<string>} */
  const declared = new Set();
  /** @type {Set<string>} */
  const used = new Set();
  let importsLibrary = false;
  /** @param {import("typescript").BindingName} name */
  const bind = (name) => {
    if (ts.isIdentifier(name)) declared.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of file.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bind(declaration.name);
    } else if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name
    ) {
      declared.add(statement.name.text);
    } else if (ts.isImportDeclaration(statement)) {
      if (ts.isStringLiteral(statement.moduleSpecifier) && /(^|\/)src$/.test(statement.moduleSpecifier.text)) importsLibrary = true;
      const clause = statement.importClause;
      if (clause?.name) declared.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) declared.add(bindings.name.text);
      else if (bindings) for (const element of bindings.elements) declared.add(element.name.text);
    }
  }
  /** @param {import("typescript").Node} node */
  const visit = (node) => {
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      const isMemberName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        (ts.isPropertyAssignment(parent) && parent.name === node) ||
        (ts.isQualifiedName(parent) && parent.right === node) ||
        ((ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isPropertySignature(parent)) && parent.name === node) ||
        (ts.isBindingElement(parent) && parent.propertyName === node);
      if (!isMemberName) used.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { declared, used, importsLibrary };
}

module.exports = { cellNames };
