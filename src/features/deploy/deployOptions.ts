/** Moved: the answers' type to src/serving/deploy/answers.ts, their parser to src/operations (the CLI shares both). */
export { applyAnswers, type DeployAnswers } from '../../serving/deploy/answers';
export { parseAnswers } from '../../operations/answers';
