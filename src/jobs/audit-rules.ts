/**
 * The audit rules: checks an administrator acts on, run over the objects of one snapshot. The
 * objects arrive kind by kind through `AuditCollector`, which keeps only what the cross-kind
 * rules need (owners of numbers, main numbers, extensions per location), so an org of 100,000
 * people is audited in one pass without loading it whole.
 */
import { decodeId } from "../ids.js";
import { compareObjectIds, describeObject, readRecord, readText, type StoredObject } from "./snapshot-source.js";

/** Urgency of a finding. */
export type Severity = "high" | "medium" | "low";

/** Severities from the most to the least urgent. */
export const SEVERITIES: readonly Severity[] = ["high", "medium", "low"];

/** Stable ids of the audit rules. */
export type AuditRuleId =
  | "license-over-consumed"
  | "calling-user-without-number"
  | "location-without-main-number"
  | "duplicate-extension"
  | "call-queue-without-agents"
  | "hunt-group-without-agents"
  | "person-without-license"
  | "call-queue-disabled"
  | "hunt-group-disabled"
  | "number-unassigned";

/** One problem found in a snapshot. */
export interface Finding {
  rule: AuditRuleId;
  severity: Severity;
  /** Kind of the object the finding is about. */
  kind: string;
  objectId: string;
  objectName?: string;
  /** The problem, in one sentence. */
  message: string;
  /** The action that fixes the problem, in one sentence. */
  fix: string;
}

/** A rule's description, for reports and `--json` output. */
export interface AuditRule {
  id: AuditRuleId;
  severity: Severity;
  title: string;
  /** Kinds whose complete backup the rule needs. */
  needs: string[];
}

/** Every rule, in report order. */
export const AUDIT_RULES: readonly AuditRule[] = [
  { id: "license-over-consumed", severity: "high", title: "Licenses consumed beyond their total", needs: ["licenses"] },
  {
    id: "calling-user-without-number",
    severity: "high",
    title: "Calling users without a number or extension",
    needs: ["people", "licenses"],
  },
  {
    id: "location-without-main-number",
    severity: "high",
    title: "Calling locations without a main number",
    needs: ["callingLocations", "numbers"],
  },
  {
    id: "duplicate-extension",
    severity: "high",
    title: "Extensions used twice within a location",
    needs: ["numbers", "people", "callQueues", "huntGroups", "autoAttendants"],
  },
  { id: "call-queue-without-agents", severity: "high", title: "Call queues without agents", needs: ["callQueues"] },
  { id: "hunt-group-without-agents", severity: "high", title: "Hunt groups without agents", needs: ["huntGroups"] },
  { id: "person-without-license", severity: "medium", title: "People without any license", needs: ["people"] },
  { id: "call-queue-disabled", severity: "medium", title: "Disabled call queues", needs: ["callQueues"] },
  { id: "hunt-group-disabled", severity: "medium", title: "Disabled hunt groups", needs: ["huntGroups"] },
  { id: "number-unassigned", severity: "low", title: "Phone numbers not assigned to anyone", needs: ["numbers"] },
];

/** Usage of one license, for the report's chart. */
export interface LicenseUsage {
  id: string;
  name: string;
  /** Units bought; undefined when the license has no `totalUnits`. */
  totalUnits?: number;
  consumedUnits: number;
}

/** A rule the audit could not fully check, and why. */
export interface SkippedRule {
  rule: AuditRuleId;
  /** The reason, as one or more sentences. */
  reason: string;
  /** Kinds the rule needs that the snapshot lacks in full; empty when something else is missing. */
  missingKinds: string[];
}

/** Every kind some rule needs, in the order of the first rule that needs it. */
export const AUDITED_KINDS: readonly string[] = [...new Set(AUDIT_RULES.flatMap((rule) => rule.needs))];

/** The rules that read the `agents` field of call queues and hunt groups. */
const AGENT_RULES: Record<string, { rule: AuditRuleId; noun: string }> = {
  callQueues: { rule: "call-queue-without-agents", noun: "call queue" },
  huntGroups: { rule: "hunt-group-without-agents", noun: "hunt group" },
};

const DISABLED_RULES: Record<string, { rule: AuditRuleId; noun: string }> = {
  callQueues: { rule: "call-queue-disabled", noun: "call queue" },
  huntGroups: { rule: "hunt-group-disabled", noun: "hunt group" },
};

/** Holders of one extension within one location, keyed by a normalized owner id. */
interface ExtensionUse {
  locationId: string;
  extension: string;
  owners: Map<string, string>;
}

/**
 * Collects findings while the objects of a snapshot are fed in. Feed licenses and numbers
 * before people, because the people rules look up calling licenses and number owners; `finish`
 * then runs the rules that need every kind.
 */
export class AuditCollector {
  readonly findings: Finding[] = [];
  readonly licenses: LicenseUsage[] = [];
  readonly #callingLicenseIds = new Set<string>();
  readonly #locationNames = new Map<string, string>();
  readonly #callingLocations: StoredObject[] = [];
  readonly #locationsWithMainNumber = new Set<string>();
  readonly #numberOwners = new Set<string>();
  readonly #extensions = new Map<string, ExtensionUse>();
  readonly #objectsWithAgents = new Map<string, number>();

  /** Records a license and checks its consumption against its total. */
  addLicense(license: StoredObject): void {
    const value = license.value;
    const name = describeObject("licenses", value) ?? license.id;
    const totalUnits = readCount(value, "totalUnits");
    const consumedUnits = readCount(value, "consumedUnits") ?? (readCount(value, "consumedByUsers") ?? 0) + (readCount(value, "consumedByWorkspaces") ?? 0);
    this.licenses.push(totalUnits === undefined ? { id: license.id, name, consumedUnits } : { id: license.id, name, totalUnits, consumedUnits });
    if (isCallingUserLicense(name)) {
      this.#callingLicenseIds.add(normalizeId(license.id));
    }

    if (totalUnits !== undefined && totalUnits >= 0 && consumedUnits > totalUnits) {
      const excess = consumedUnits - totalUnits;
      this.#add({
        rule: "license-over-consumed",
        kind: "licenses",
        object: license,
        name,
        message: `${name} has ${consumedUnits} units consumed but only ${totalUnits} bought (${excess} over).`,
        fix: `Buy at least ${excess} more units of ${name}, or remove it from ${excess} users or workspaces.`,
      });
    }
  }

  /** Records a location's name for the messages of other rules. */
  addLocation(location: StoredObject): void {
    const name = describeObject("locations", location.value);
    if (name !== undefined && !this.#locationNames.has(normalizeId(location.id))) {
      this.#locationNames.set(normalizeId(location.id), name);
    }
  }

  /** Records a calling-enabled location; `finish` checks its main number. */
  addCallingLocation(location: StoredObject): void {
    const name = describeObject("callingLocations", location.value);
    if (name !== undefined) {
      this.#locationNames.set(normalizeId(location.id), name);
    }
    this.#callingLocations.push(location);
  }

  /** Records a number's owner, main-number flag and extension, and checks that it is assigned. */
  addNumber(number: StoredObject): void {
    const value = number.value;
    const phoneNumber = readText(value, "phoneNumber");
    const extension = readText(value, "extension");
    const location = readRecord(value, "location");
    const locationId = readText(location, "id");
    const owner = readRecord(value, "owner");
    const ownerId = readText(owner, "id");
    if (locationId !== undefined && readText(location, "name") !== undefined && !this.#locationNames.has(normalizeId(locationId))) {
      this.#locationNames.set(normalizeId(locationId), readText(location, "name") as string);
    }

    if (ownerId !== undefined) {
      this.#numberOwners.add(normalizeId(ownerId));
    }
    if (value.mainNumber === true && locationId !== undefined) {
      this.#locationsWithMainNumber.add(normalizeId(locationId));
    }
    if (extension !== undefined && locationId !== undefined) {
      const ownerName = describeOwner(owner) ?? phoneNumber ?? `extension ${extension}`;
      this.#recordExtension(locationId, extension, ownerId ?? `number:${phoneNumber ?? number.id}`, ownerName);
    }

    const isAssigned = ownerId !== undefined || value.mainNumber === true;
    if (phoneNumber !== undefined && !isAssigned) {
      const where = locationId === undefined ? "" : ` in ${this.#locationName(locationId)}`;
      const state = readText(value, "state");
      this.#add({
        rule: "number-unassigned",
        kind: "numbers",
        object: number,
        name: phoneNumber,
        message: `${phoneNumber}${where} is not assigned to a user, workspace or feature${state === undefined ? "" : ` (state ${state})`}.`,
        fix: `Assign ${phoneNumber} to a user, workspace or feature, or remove it${where} if it is not needed.`,
      });
    }
  }

  /**
   * Records a call queue, hunt group or auto attendant (`kind` names which) and checks that a
   * queue or hunt group is enabled and has agents. Agents are read from the object's `agents`
   * array; an object without that field is not judged (see `skippedRules`).
   */
  addCallFeature(kind: string, feature: StoredObject): void {
    const value = feature.value;
    const name = describeObject(kind, value) ?? feature.id;
    const locationId = readText(value, "locationId");
    const extension = readText(value, "extension");
    if (extension !== undefined && locationId !== undefined) {
      this.#recordExtension(locationId, extension, feature.id, name);
    }

    const disabled = DISABLED_RULES[kind];
    if (disabled !== undefined && value.enabled === false) {
      const phoneNumber = readText(value, "phoneNumber");
      this.#add({
        rule: disabled.rule,
        kind,
        object: feature,
        name,
        message: `The ${disabled.noun} ${name} is disabled, so it does not answer calls${phoneNumber === undefined ? "" : ` to ${phoneNumber}`}.`,
        fix: `Enable ${name}, or delete it and release its number and extension if it is no longer used.`,
      });
    }

    const agentRule = AGENT_RULES[kind];
    const agents = value.agents;
    if (agentRule === undefined || !Array.isArray(agents)) {
      return;
    }
    this.#objectsWithAgents.set(kind, (this.#objectsWithAgents.get(kind) ?? 0) + 1);
    if (agents.length === 0) {
      this.#add({
        rule: agentRule.rule,
        kind,
        object: feature,
        name,
        message: `The ${agentRule.noun} ${name} has no agents, so its calls reach nobody.`,
        fix: `Add agents to ${name}, or delete the ${agentRule.noun} if it is no longer used.`,
      });
    }
  }

  /** Checks a person's licenses and, for a calling user, their number or extension. */
  addPerson(person: StoredObject): void {
    const value = person.value;
    const name = describePerson(value) ?? person.id;
    const extension = readText(value, "extension");
    const locationId = readText(value, "locationId");
    if (extension !== undefined && locationId !== undefined) {
      this.#recordExtension(locationId, extension, person.id, name);
    }

    // Bots and service-app machine accounts hold no licenses by design.
    const type = readText(value, "type");
    if (type !== undefined && type !== "person") {
      return;
    }

    const licenseIds = Array.isArray(value.licenses) ? value.licenses.filter((id): id is string => typeof id === "string") : [];
    if (licenseIds.length === 0) {
      this.#add({
        rule: "person-without-license",
        kind: "people",
        object: person,
        name,
        message: `${name} has no license, so they cannot use any Webex service.`,
        fix: `Assign licenses to ${name}, or deactivate or delete the account if it is no longer used.`,
      });
      return;
    }

    const isCallingUser = licenseIds.some((id) => this.#callingLicenseIds.has(normalizeId(id)));
    if (isCallingUser && !hasWorkNumber(value) && !this.#numberOwners.has(normalizeId(person.id))) {
      this.#add({
        rule: "calling-user-without-number",
        kind: "people",
        object: person,
        name,
        message: `${name} has a Webex Calling license but has no phone number or extension, so nobody can call them.`,
        fix: `Assign a phone number or extension to ${name}, or remove the calling license.`,
      });
    }
  }

  /** Runs the rules that need every kind: main numbers of calling locations and duplicate extensions. */
  finish(): void {
    for (const location of this.#callingLocations) {
      if (this.#locationsWithMainNumber.has(normalizeId(location.id))) {
        continue;
      }
      const name = this.#locationName(location.id);
      this.#add({
        rule: "location-without-main-number",
        kind: "callingLocations",
        object: location,
        name,
        message: `The calling location ${name} has no main number, so it has no number to show on outgoing calls.`,
        fix: `Add a phone number to ${name} and make it the location's main number.`,
      });
    }

    for (const use of this.#extensions.values()) {
      if (use.owners.size < 2) {
        continue;
      }
      const name = this.#locationName(use.locationId);
      const owners = [...use.owners.values()].sort((a, b) => a.localeCompare(b)).join(", ");
      this.#add({
        rule: "duplicate-extension",
        kind: "locations",
        object: { id: use.locationId, value: {} },
        name,
        message: `Extension ${use.extension} in ${name} is used by ${use.owners.size} owners: ${owners}.`,
        fix: `Give each of ${owners} its own extension in ${name}.`,
      });
    }
  }

  /** Kinds whose objects carried an `agents` array, with their counts. */
  get objectsWithAgents(): ReadonlyMap<string, number> {
    return this.#objectsWithAgents;
  }

  #recordExtension(locationId: string, extension: string, ownerId: string, ownerName: string): void {
    const key = `${normalizeId(locationId)}\u0000${extension}`;
    let use = this.#extensions.get(key);
    if (use === undefined) {
      use = { locationId, extension, owners: new Map() };
      this.#extensions.set(key, use);
    }
    const ownerKey = normalizeId(ownerId);
    if (!use.owners.has(ownerKey)) {
      use.owners.set(ownerKey, ownerName);
    }
  }

  #locationName(locationId: string): string {
    return this.#locationNames.get(normalizeId(locationId)) ?? `location ${locationId}`;
  }

  #add(entry: { rule: AuditRuleId; kind: string; object: StoredObject; name: string | undefined; message: string; fix: string }): void {
    const finding: Finding = {
      rule: entry.rule,
      severity: ruleSeverity(entry.rule),
      kind: entry.kind,
      objectId: entry.object.id,
      message: entry.message,
      fix: entry.fix,
    };
    if (entry.name !== undefined) {
      finding.objectName = entry.name;
    }
    this.findings.push(finding);
  }
}

/** Returns the severity of `rule`. */
export function ruleSeverity(rule: AuditRuleId): Severity {
  return AUDIT_RULES.find((candidate) => candidate.id === rule)?.severity ?? "low";
}

/** Sorts findings by severity, then rule order, then object name and id. */
export function sortFindings(findings: Finding[]): Finding[] {
  const ruleRank = (rule: AuditRuleId): number => AUDIT_RULES.findIndex((candidate) => candidate.id === rule);
  return findings.sort(
    (a, b) =>
      SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
      ruleRank(a.rule) - ruleRank(b.rule) ||
      (a.objectName ?? "").localeCompare(b.objectName ?? "") ||
      compareObjectIds(a.objectId, b.objectId),
  );
}

/** Counts findings per severity; every severity is present. */
export function countBySeverity(findings: Iterable<Finding>): Record<Severity, number> {
  const counts: Record<Severity, number> = { high: 0, medium: 0, low: 0 };
  for (const finding of findings) {
    counts[finding.severity] += 1;
  }
  return counts;
}

/**
 * True for licenses that make a person a Webex Calling user, such as "Webex Calling -
 * Professional" or "Webex Calling - Basic". Workspace licenses are left out: they go to
 * workspaces, not people.
 *
 * NOTE: this assumes that every user calling license has "Webex Calling" in its name. The
 * License object of `GET /v1/licenses` has no field that marks a calling license, and a
 * person's `locationId` with `callingData=true` is not documented as absent for people without
 * one. A calling license named otherwise is missed, so its users are not checked for a number.
 */
export function isCallingUserLicense(name: string): boolean {
  return /\bwebex calling\b/i.test(name) && !/workspace/i.test(name);
}

/** Normalizes a Webex id so that padded and unpadded forms of one id compare equal. */
function normalizeId(id: string): string {
  const parts = decodeId(id);
  return parts === undefined ? id : `${parts.kind}/${parts.id.toLowerCase()}`;
}

function readCount(value: Record<string, unknown>, field: string): number | undefined {
  const found = value[field];
  return typeof found === "number" && Number.isFinite(found) ? found : undefined;
}

/** True when the person has an extension or a work number; calling users get them from Webex Calling. */
function hasWorkNumber(person: Record<string, unknown>): boolean {
  if (readText(person, "extension") !== undefined) {
    return true;
  }
  const numbers = Array.isArray(person.phoneNumbers) ? person.phoneNumbers : [];
  return numbers.some((entry) => {
    if (entry === null || typeof entry !== "object") {
      return false;
    }
    const record = entry as Record<string, unknown>;
    const type = readText(record, "type");
    return readText(record, "value") !== undefined && (type === undefined || type.startsWith("work"));
  });
}

function describePerson(person: Record<string, unknown>): string | undefined {
  const name = describeObject("people", person);
  const emails = Array.isArray(person.emails) ? person.emails : [];
  const email = typeof emails[0] === "string" ? emails[0] : undefined;
  if (name !== undefined && email !== undefined) {
    return `${name} <${email}>`;
  }
  return name ?? email;
}

function describeOwner(owner: Record<string, unknown> | undefined): string | undefined {
  if (owner === undefined) {
    return undefined;
  }
  const fullName = [readText(owner, "firstName"), readText(owner, "lastName")].filter((part) => part !== undefined).join(" ");
  return fullName === "" ? readText(owner, "name") : fullName;
}
