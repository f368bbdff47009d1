/**
 * Audits one snapshot: runs the rules of `audit-rules.ts` over its objects and returns the
 * findings with the license usage the HTML report charts. Rules whose data the snapshot lacks
 * (a kind that failed or was never backed up) are listed as skipped instead of reporting
 * nothing, so an empty result always means "checked and clean".
 */
import {
  AUDIT_RULES,
  AUDITED_KINDS,
  AuditCollector,
  countBySeverity,
  sortFindings,
  type AuditRuleId,
  type Finding,
  type LicenseUsage,
  type Severity,
  type SkippedRule,
} from "./audit-rules.js";
import type { Snapshot, SnapshotDb } from "../storage/snapshot-db.js";
import { snapshotSource, type SnapshotSource, type StoredObject } from "./snapshot-source.js";

export { AUDIT_RULES, AUDITED_KINDS, SEVERITIES, type AuditRule, type AuditRuleId, type Finding, type LicenseUsage, type Severity, type SkippedRule } from "./audit-rules.js";

/** The outcome of an audit. */
export interface AuditResult {
  /** Findings sorted by severity, then rule, then object name. */
  findings: Finding[];
  /** Findings per severity; every severity is present. */
  counts: Record<Severity, number>;
  /** Every license of the snapshot with its usage. */
  licenses: LicenseUsage[];
  /** Rules that could not run, with the reason. */
  skippedRules: SkippedRule[];
  /** Rules that ran. */
  rulesRun: AuditRuleId[];
}

/** The audit of one stored snapshot. */
export interface SnapshotAudit extends AuditResult {
  snapshot: Snapshot;
}

/**
 * Audits snapshot `snapshotId` of `db`.
 *
 * @throws InvalidInputError when the snapshot does not exist
 */
export async function auditSnapshot(db: SnapshotDb, snapshotId: number): Promise<SnapshotAudit> {
  const snapshot = db.requireSnapshot(snapshotId);
  const result = await auditSource(snapshotSource(db, snapshotId));
  return { snapshot, ...result };
}

/** The order kinds are fed to the collector: the people rules need licenses and numbers first. */
const FEED_ORDER = ["licenses", "locations", "callingLocations", "numbers", "callQueues", "huntGroups", "autoAttendants", "people"];

/** Runs every audit rule over the objects of `source`. */
export async function auditSource(source: SnapshotSource): Promise<AuditResult> {
  const collector = new AuditCollector();
  const available = new Set(source.kinds());
  const counts = new Map<string, number>();

  for (const kind of FEED_ORDER) {
    if (!available.has(kind)) {
      continue;
    }
    const add = feederFor(collector, kind);
    let count = 0;
    for await (const object of source.objects(kind)) {
      add(object);
      count += 1;
    }
    counts.set(kind, count);
  }
  collector.finish();

  const skippedRules = findSkippedRules(source, available, counts, collector);
  const skippedIds = new Set(skippedRules.map((skipped) => skipped.rule));
  // A rule that lacks part of its data may still have found real problems in the rest; those
  // stay, because each one is a true finding even when the list may be incomplete.
  const findings = sortFindings(collector.findings);
  return {
    findings,
    counts: countBySeverity(findings),
    licenses: collector.licenses,
    skippedRules,
    rulesRun: AUDIT_RULES.map((rule) => rule.id).filter((id) => !skippedIds.has(id)),
  };
}

function feederFor(collector: AuditCollector, kind: string): (object: StoredObject) => void {
  switch (kind) {
    case "licenses":
      return (object) => collector.addLicense(object);
    case "locations":
      return (object) => collector.addLocation(object);
    case "callingLocations":
      return (object) => collector.addCallingLocation(object);
    case "numbers":
      return (object) => collector.addNumber(object);
    case "people":
      return (object) => collector.addPerson(object);
    default:
      return (object) => collector.addCallFeature(kind, object);
  }
}

/**
 * Lists the rules that lack data: a needed kind missing or incomplete, or, for the agent rules,
 * queues or hunt groups stored without their `agents` list.
 */
function findSkippedRules(
  source: SnapshotSource,
  available: Set<string>,
  counts: Map<string, number>,
  collector: AuditCollector,
): SkippedRule[] {
  const skipped: SkippedRule[] = [];
  for (const rule of AUDIT_RULES) {
    const missing = rule.needs.filter((kind) => !available.has(kind) || !source.isKindComplete(kind));
    if (missing.length > 0) {
      skipped.push({
        rule: rule.id,
        reason: `The snapshot has no complete backup of ${missing.join(", ")}; run a new backup and audit it.`,
        missingKinds: missing,
      });
      continue;
    }

    const agentKind = rule.id === "call-queue-without-agents" ? "callQueues" : rule.id === "hunt-group-without-agents" ? "huntGroups" : undefined;
    const hasObjects = (counts.get(agentKind ?? "") ?? 0) > 0;
    if (agentKind !== undefined && hasObjects && !collector.objectsWithAgents.has(agentKind)) {
      skipped.push({
        rule: rule.id,
        reason: `The snapshot stores no agent lists for ${agentKind}, so agents could not be checked.`,
        missingKinds: [],
      });
    }
  }
  return skipped;
}

/**
 * Summarizes the rules an audit could not fully check, such as `9 of 10 rules not checked
 * (missing kinds: people, numbers)`. Returns undefined when every rule was checked.
 */
export function describeUncheckedRules(audit: Pick<AuditResult, "skippedRules">): string | undefined {
  const skipped = audit.skippedRules;
  if (skipped.length === 0) {
    return undefined;
  }
  const missingKinds = AUDITED_KINDS.filter((kind) => skipped.some((rule) => rule.missingKinds.includes(kind)));
  const agentRules = skipped.filter((rule) => rule.missingKinds.length === 0).map((rule) => rule.rule);
  const causes: string[] = [];
  if (missingKinds.length > 0) {
    causes.push(`missing kinds: ${missingKinds.join(", ")}`);
  }
  if (agentRules.length > 0) {
    causes.push(`no agent lists for ${agentRules.join(", ")}`);
  }
  return `${skipped.length} of ${AUDIT_RULES.length} rules not checked (${causes.join("; ")})`;
}

/** A snapshot that the default choice of `chooseAuditSnapshot` passed over, and why. */
export interface PassedOverSnapshot {
  snapshot: Snapshot;
  /** The reason the snapshot cannot be audited in full, as a clause such as "snapshot 8 backed up only licenses". */
  reason: string;
}

/** The snapshot an audit without a snapshot id reads. */
export interface AuditSnapshotChoice {
  snapshot: Snapshot;
  /** True when the snapshot has a complete backup of every kind in `AUDITED_KINDS`. */
  isFull: boolean;
  /** Newer snapshots passed over because they lack such a backup, newest first. */
  passedOver: PassedOverSnapshot[];
}

/**
 * Chooses the snapshot of org `orgId` to audit: the newest one with a complete backup of every
 * kind the rules read, whatever its status. So a backup of a few kinds (`backup --kinds`), or an
 * interrupted one, does not hide the findings of the last full backup. When no snapshot
 * qualifies, chooses the newest, whose audit then lists the rules it could not check.
 * Returns undefined when the org has no snapshot.
 */
export function chooseAuditSnapshot(db: SnapshotDb, orgId: string): AuditSnapshotChoice | undefined {
  const newestFirst = db.listSnapshots({ orgId }).reverse();
  const passedOver: PassedOverSnapshot[] = [];
  for (const snapshot of newestFirst) {
    const reason = describeMissingData(db, snapshot);
    if (reason === undefined) {
      return { snapshot, isFull: true, passedOver };
    }
    passedOver.push({ snapshot, reason });
  }
  const newest = newestFirst[0];
  return newest === undefined ? undefined : { snapshot: newest, isFull: false, passedOver: [] };
}

/** Describes which audited kinds `snapshot` lacks in full, or returns undefined when it has them all. */
function describeMissingData(db: SnapshotDb, snapshot: Snapshot): string | undefined {
  const kinds = db.getKinds(snapshot.id);
  const isComplete = (kind: string): boolean => kinds.some((entry) => entry.kind === kind && entry.status === "complete");
  const lacking = AUDITED_KINDS.filter((kind) => !isComplete(kind));
  if (lacking.length === 0) {
    return undefined;
  }

  const planned = new Set(kinds.map((entry) => entry.kind));
  if (lacking.every((kind) => !planned.has(kind))) {
    const read = kinds.map((entry) => entry.kind);
    return read.length === 0 ? `snapshot ${snapshot.id} backed up no kind` : `snapshot ${snapshot.id} backed up only ${read.join(", ")}`;
  }
  return `snapshot ${snapshot.id} is ${snapshot.status} and has no complete backup of ${lacking.join(", ")}`;
}
