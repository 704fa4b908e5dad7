/** Moved to src/serving/savedModel/report.ts (the agents' inspect tool shares it; features never import src/cli). */
export { formatReport, formatShape } from '../serving/savedModel/report';
