/**
 * Audits one snapshot: runs the rules of `audit-rules.ts` over its objects and returns the
 * findings with the license usage the HTML report charts. Rules whose data the snapshot lacks
 * (a kind that failed or was never backed up) are listed as skipped instead of reporting
 * nothing, so an empty result always means "checked and clean".
 */
import {
  AUDIT_RULES,
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

export { AUDIT_RULES, SEVERITIES, type AuditRule, type AuditRuleId, type Finding, type LicenseUsage, type Severity, type SkippedRule } from "./audit-rules.js";

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
      });
      continue;
    }

    const agentKind = rule.id === "call-queue-without-agents" ? "callQueues" : rule.id === "hunt-group-without-agents" ? "huntGroups" : undefined;
    const hasObjects = (counts.get(agentKind ?? "") ?? 0) > 0;
    if (agentKind !== undefined && hasObjects && !collector.objectsWithAgents.has(agentKind)) {
      skipped.push({
        rule: rule.id,
        reason: `The snapshot stores no agent lists for ${agentKind}, so agents could not be checked.`,
      });
    }
  }
  return skipped;
}
