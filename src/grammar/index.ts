/** Grammar files and the restricted expression language they (and law equations) are written in. */
export { DEFAULT_LIMITS, PLACEHOLDERS, parseGrammar } from './parse.js';
export { defaultGrammarPath, loadGrammar } from './load.js';
export { instantiateTerms, type TermInstance } from './terms.js';
export {
  checkExpression, compileExpression, differentiate, expressionTree, expressionVariables,
  simplifyExpression, substituteVariables, toLatex,
} from './safe-math.js';
export { ALLOWED_FUNCTIONS, compileExpr, type Evaluator, type Expr } from './expr-ir.js';
