// A typed use of every export: `tsc --noEmit` fails if the package's .d.ts drifts from it.
import {
  validate,
  issueCodes,
  Validator,
  type ImportOptions,
  type Issue,
  type IssueCode,
  type Lead,
  type Progress,
  type Report,
  type Validation,
} from "../../../target/wasm-node/leads_wasm";

const options: ImportOptions = { delimiter: ";", statuses: ["New", "Won"], max_issues: 10, aliases: { Rep: "salesperson" } };
const bytes = new TextEncoder().encode("Lead ID;Lead Name\n");
const result: Validation = validate(bytes, options);
const report: Report = result.report;
const first: Issue | undefined = report.issues[0];
const code: IssueCode | undefined = first?.code;
const line: number | null = first ? first.line : null;
const leads: Lead[] = result.leads;
const assigned: string | null = leads.length > 0 ? leads[0].salesperson : null;
const codes: IssueCode[] = issueCodes();

const v = new Validator(undefined);
v.push(bytes);
const taken: Lead[] = v.takeLeads();
const progress: Progress = v.progress();
const done: Report = v.finish();
const truncated: boolean = done.issues_truncated;

// @ts-expect-error: unknown option keys are a type error too
const bad: ImportOptions = { colour: "red" };
// @ts-expect-error: not an encoding
const badEncoding: ImportOptions = { encoding: "ebcdic" };

export { code, line, assigned, codes, taken, progress, truncated, bad, badEncoding };
