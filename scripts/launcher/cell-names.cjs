"use strict";
/**
 * Which names a notebook cell declares at its top level and which it uses, read from its syntax
 * tree (the TypeScript parser tslab ships; a cell with type errors still parses). A name the cell
 * binds inside (a parameter, a local variable or function, a catch variable) is not a use of an
 * earlier cell's name: `function f(layer: number)` does not use a global `layer`.
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
  /** @type {Set<string>} */
  const local = new Set();
  /** @param {import("typescript").BindingName} name */
  const bindLocal = (name) => {
    if (ts.isIdentifier(name)) local.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bindLocal(element.name);
  };
  /** @param {import("typescript").VariableDeclaration} node a `const x` of the cell itself, not of a block or a loop */
  const isTopLevel = (node) => ts.isVariableDeclarationList(node.parent) && ts.isVariableStatement(node.parent.parent) && node.parent.parent.parent === file;
  /** @param {import("typescript").Node} node */
  const findLocals = (node) => {
    if (ts.isParameter(node) || (ts.isVariableDeclaration(node) && !isTopLevel(node))) bindLocal(node.name);
    else if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isClassDeclaration(node) || ts.isClassExpression(node)) && node.name && node.parent !== file) local.add(node.name.text);
    else if (ts.isTypeParameterDeclaration(node)) local.add(node.name.text);
    ts.forEachChild(node, findLocals);
  };
  ts.forEachChild(file, findLocals);
  /** @param {import("typescript").Node} node */
  const visit = (node) => {
    if (ts.isIdentifier(node) && !local.has(node.text)) {
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
