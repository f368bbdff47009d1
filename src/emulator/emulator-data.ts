import { randomInt } from "node:crypto";
import { DataEditor } from "./data-editor.js";
import type { HandlerContext } from "./http.js";
import type { OrgRecord } from "./model.js";
import { createRandom } from "./random.js";
import { captureOrg, compareSnapshots } from "./snapshot-view.js";
import type { DataChange, EmulatorData } from "./types.js";

/**
 * Runs `edit` and returns its result with the changes the list endpoints of `org` show
 * afterwards. Capturing the org before and after takes time linear in its size, so a batch of
 * edits should share one call.
 */
export function trackChanges<T>(context: HandlerContext, org: OrgRecord, edit: () => T): { result: T; changes: DataChange[] } {
  const before = captureOrg(org, context.state);
  const result = edit();
  return { result, changes: compareSnapshots(org.uuid, before, captureOrg(org, context.state, true)) };
}

/** Builds `Emulator.data`. Its ids are random per run; `mutate` is the seeded alternative. */
export function createEmulatorData(context: HandlerContext): EmulatorData {
  const editor = new DataEditor(context, createRandom(randomInt(2 ** 31)));
  const orgOf = (orgUuid: string): OrgRecord => context.state.orgs.get(orgUuid) as OrgRecord;
  const track = (org: OrgRecord, edit: () => void): DataChange[] => trackChanges(context, org, edit).changes;

  return {
    addPerson: (input) => {
      const { result, changes } = trackChanges(context, editor.orgFor(input.orgId), () => editor.addPerson(input));
      return { id: result.id, changes };
    },
    updatePerson: (personId, patch) => track(orgOf(editor.findPerson(personId).orgUuid), () => editor.updatePerson(personId, patch)),
    removePerson: (personId) => track(orgOf(editor.findPerson(personId).orgUuid), () => editor.removePerson(personId)),
    setLicense: (licenseId, patch) => {
      const license = context.state.findLicense(licenseId);
      const org = license ? orgOf(license.orgUuid) : editor.orgFor(undefined);
      return track(org, () => editor.setLicense(licenseId, patch));
    },
    addNumber: (input) => {
      const location = editor.findCallingLocation(input.locationId);
      const { result, changes } = trackChanges(context, orgOf(location.orgUuid), () => editor.addNumber(input));
      return { phoneNumber: result, changes };
    },
    updateNumber: (phoneNumber, patch, orgId) => track(editor.orgFor(orgId), () => editor.updateNumber(phoneNumber, patch.state, orgId)),
    removeNumber: (phoneNumber, orgId) => track(editor.orgFor(orgId), () => editor.removeNumber(phoneNumber, orgId)),
    addLocation: (input) => {
      const { result, changes } = trackChanges(context, editor.orgFor(input.orgId), () => editor.addLocation(input));
      return { id: result.id, changes };
    },
    updateLocation: (locationId, patch) => track(orgOf(editor.findLocation(locationId).orgUuid), () => editor.updateLocation(locationId, patch)),
    removeLocation: (locationId) => track(orgOf(editor.findLocation(locationId).orgUuid), () => editor.removeLocation(locationId)),
    addCallFeature: (input) => {
      const location = editor.findCallingLocation(input.locationId);
      const { result, changes } = trackChanges(context, orgOf(location.orgUuid), () => editor.addCallFeature(input));
      return { id: result.id, changes };
    },
    updateCallFeature: (featureId, patch) => track(orgOf(editor.findFeature(featureId).orgUuid), () => editor.updateCallFeature(featureId, patch)),
    removeCallFeature: (featureId) => track(orgOf(editor.findFeature(featureId).orgUuid), () => editor.removeCallFeature(featureId)),
  };
}
