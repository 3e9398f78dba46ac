// A typed use of every export: `tsc --noEmit` fails if the package's .d.ts drifts from it.
import {
  validateCsv,
  issueCodes,
  rejectedCsv,
  CsvValidator,
  CsvSplitter,
  leadsFromPacked,
  type PackedLeads,
  LeadTable,
  LeadQuery,
  MemoryStore,
  type ImportProgress,
  type InterruptedData,
  SupabaseStore,
  type ImportResult,
  type Job,
  type Member,
  type Team,
  type JobPage,
  type Reverted,
  type LeadsError,
  type Page,
  type Salesperson,
  type StoredLead,
  type UpsertOutcome,
  type User,
  type ImportOptions,
  type Fixes,
  type RejectedRow,
  type Issue,
  type IssueCode,
  type Lead,
  type Progress,
  type Report,
  type Validation,
} from "../../../target/npm/leads-wasm/node/leads_wasm";

const options: ImportOptions = { delimiter: ";", statuses: ["New", "Won"], max_issues: 10, aliases: { Rep: "salesperson" } };
const bytes = new TextEncoder().encode("Lead ID;Lead Name\n");
const result: Validation = validateCsv(bytes, options);
const fromText: Validation = validateCsv("Lead ID\n", null);
const fromBuffer: Validation = validateCsv(bytes.buffer, undefined);
const fixMe: Uint8Array = rejectedCsv("Lead ID\n", options);
const report: Report = result.report;
const first: Issue | undefined = report.issues[0];
const code: IssueCode | undefined = first?.code;
const line: number | null = first ? first.line : null;
const leads: Lead[] = result.leads;
const assigned: string | null = leads.length > 0 ? leads[0].salesperson : null;
const codes: IssueCode[] = issueCodes();
const mapped: ImportOptions = { mapping: { Vorname: "lead_name", Nachname: "lead_name", Notizen: null }, status_synonyms: false };
const likeliest: string | undefined = validateCsv(bytes, mapped).report.suggestions?.lead_name?.[0]?.header;
const score: number | undefined = report.columns[0]?.score;

const v = new CsvValidator();
const t = new CsvValidator(options, "table");
const table: LeadTable = t.leadTable();
const some: Lead[] = table.slice(0, 10);
const one: Lead | undefined = table.get(0);
v.push(bytes);
v.push("more text");
const taken: Lead[] = v.takeLeads();
const progress: Progress = v.progress;
const done: Report = v.finish();
const rows: Uint8Array = v.rejectedCsv();
const fixes: Fixes = { 3: ["L-3", "Cy", "cy@example.com", "Web", "High", "New"] };
const fixing = new CsvValidator(null, "none", fixes);
fixing.push(bytes);
fixing.finish();
const corrected: Uint8Array = fixing.takeCorrected();
const toFix: RejectedRow[] = fixing.rejectedRows();
const cells: string[] = toFix[0]?.values ?? [];
// Two Workers: a splitter reads, a validator with the same options takes its messages.
const splitter = new CsvSplitter(options);
const rules = new CsvValidator(options, "table");
const message: Uint8Array = splitter.push(bytes, true);
rules.pushMessage(message);
rules.pushMessage(splitter.push("more text"));
const stopped: boolean = splitter.isStopped || rules.isStopped;
rules.pushMessage(splitter.finish());
const split: Report = rules.finish();
// Leads packed in one thread, objects in another.
const packed: PackedLeads = v.takeLeadsPacked();
const buffers: ArrayBuffer[] = [packed.ascii.buffer as ArrayBuffer, packed.slots.buffer as ArrayBuffer];
const unpacked: Lead[] = leadsFromPacked(packed);

const query: LeadQuery = LeadQuery.parse("status=Open&sort=-created_at");
const text: string = query.toString();
const next: LeadQuery = query.withCursor("abc");
const limit: number = next.limit;

async function stores(): Promise<void> {
  const store = new MemoryStore(true);
  const user: User = await store.register("ann", "correct horse");
  const imported: ImportResult = await store.importCsv(user.uuid, "Lead ID\n", { max_rows: 10 }, "skip_invalid");
  const watched: ImportResult = await store.importCsv(user.uuid, "Lead ID\n", null, "strict", (p: ImportProgress) => {
    const stored: number = p.inserted + p.updated + p.unchanged + p.bytes;
    if (stored < 0) throw new Error("never");
  });
  const stopped: InterruptedData | undefined = undefined;
  const outcome: UpsertOutcome = await store.upsertLeads(user.uuid, result.leads);
  const page: Page = await store.query(user.uuid, query);
  const again: Page = await store.query(user.uuid, "status=Open");
  const lead: StoredLead = await store.updateLead(user.uuid, "L-1", { status: "Won", salesperson: null });
  const people: Salesperson[] = await store.salespeople(user.uuid);
  await store.deleteLead(user.uuid, lead.lead_id);
  const job: Job | null = (await store.importCsv(user.uuid, "Lead ID\n", { file_name: "week.csv" })).job;
  const history: JobPage = await store.imports(user.uuid, 10, null);
  const first: Job = await store.getImport(user.uuid, history.items[0].id);
  const undone: Reverted = await store.revertImport(user.uuid, first.id);
  const conflicts: string[] = undone.conflicts;
  const bulk: Job = await store.updateLeads(user.uuid, "status=Open", { salesperson: "Grace" });
  const everyone: Job = await store.deleteLeads(user.uuid, null, true);
  const deleted: number = everyone.counts.deleted + bulk.counts.updated;
  void job; void conflicts; void deleted;
  const member: Member = await store.addMember(user.uuid, "ravi", "rep", null, []);
  const team: Team = await store.addTeam(user.uuid, "East");
  const members: Member[] = await store.actingAs(member.user_uuid).members(user.uuid);
  const changed: Member = await store.changeMember(user.uuid, member.user_uuid, { team_ids: [team.id] });
  await store.setSalespersonTeam(user.uuid, people[0].id, team.id);
  await store.removeMember(user.uuid, changed.user_uuid);
  const teams: Team[] = await store.teams(user.uuid);
  void members; void teams;
  const remote = new SupabaseStore("https://example.supabase.co", "publishable-key", "user-token");
  const theirs: Page = await remote.query(user.uuid, undefined);
  try {
    await store.getLead(user.uuid, "nope");
  } catch (e) {
    const error = e as LeadsError;
    const code: string = error.code;
    void code;
  }
  void imported; void outcome; void page; void again; void people; void theirs;
}
const truncated: boolean = done.issues_truncated;

// @ts-expect-error: unknown option keys are a type error too
const bad: ImportOptions = { colour: "red" };
// @ts-expect-error: not an encoding
const badEncoding: ImportOptions = { encoding: "ebcdic" };

// @ts-expect-error: not an import mode
const badMode: Promise<ImportResult> = new MemoryStore().importCsv("u", "", null, "lenient");

export { some, one, code, line, assigned, codes, likeliest, score, taken, progress, truncated, bad, badEncoding, fromText, fromBuffer, fixMe, rows, text, limit, stores, badMode };
