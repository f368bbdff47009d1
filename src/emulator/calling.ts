/**
 * Number plan of Webex Calling locations and the facts of one numbers-list row, derived from
 * its owner.
 */
import type { CallFeatureRecord, LocationRecord, NumberEntry, PersonRecord } from "./model.js";
import type { EmulatorState } from "./state.js";

/** Lines per exchange of a location's number block. */
const LINES_PER_EXCHANGE = 10_000;
/** First exchange of every block; blocks grow into 556, 557 and so on. */
const FIRST_EXCHANGE = 555;

/** Number owner types of the numbers list, by feature kind. */
export const OWNER_TYPES = {
  person: "PEOPLE",
  callQueue: "CALL_QUEUE",
  huntGroup: "HUNT_GROUP",
  autoAttendant: "AUTO_ATTENDANT",
} as const;

/** Returns the location's next free extension. @throws Error for a location without Webex Calling */
export function allocateExtension(location: LocationRecord): string {
  const calling = requireCalling(location);
  const extension = String(calling.nextExtension);
  calling.nextExtension += 1;
  return extension;
}

/** Returns the location's next free E.164 number: `+1`, the area code, an exchange from 555 up and four digits. */
export function allocatePhoneNumber(location: LocationRecord): string {
  const calling = requireCalling(location);
  const line = calling.nextLine;
  calling.nextLine += 1;
  const exchange = FIRST_EXCHANGE + Math.floor(line / LINES_PER_EXCHANGE);
  return `+1${calling.areaCode}${exchange}${String(line % LINES_PER_EXCHANGE).padStart(4, "0")}`;
}

function requireCalling(location: LocationRecord): NonNullable<LocationRecord["calling"]> {
  if (!location.calling) {
    throw new Error(`Location ${location.name} (${location.id}) has no Webex Calling, so it has no numbers or extensions.`);
  }
  return location.calling;
}

/** The owner of a number as the numbers list shows it. */
export interface NumberOwner {
  id: string;
  type: string;
  firstName: string;
  lastName: string;
}

/** The location fields a numbers-list row shows. */
export type NumberLocation = Pick<LocationRecord, "id" | "name" | "routingPrefix">;

/** The facts of one numbers-list row. */
export interface ResolvedNumber {
  /** E.164 number; undefined for a row with only an extension. */
  phoneNumber?: string;
  extension?: string;
  location: NumberLocation;
  owner?: NumberOwner;
  state: "ACTIVE" | "INACTIVE";
  mainNumber: boolean;
  isServiceNumber: boolean;
  tollFreeNumber: boolean;
}

/** Derives a row's facts from its owner; undefined when the owner's location is gone. */
export function resolveNumber(entry: NumberEntry, state: EmulatorState): ResolvedNumber | undefined {
  switch (entry.kind) {
    case "person":
      return resolvePersonNumber(entry.person, state);
    case "feature":
      return resolveFeatureNumber(entry.feature);
    case "main":
      return {
        phoneNumber: entry.location.calling?.mainNumber,
        location: entry.location,
        state: "ACTIVE",
        mainNumber: true,
        isServiceNumber: true,
        tollFreeNumber: false,
      };
    case "spare":
      return {
        phoneNumber: entry.phoneNumber,
        location: entry.location,
        state: entry.state,
        mainNumber: false,
        isServiceNumber: entry.isServiceNumber,
        tollFreeNumber: false,
      };
  }
}

function resolvePersonNumber(person: PersonRecord, state: EmulatorState): ResolvedNumber | undefined {
  const calling = person.calling;
  const location = calling ? state.findLocation(calling.locationId) : undefined;
  if (!calling || !location) {
    return undefined;
  }
  return {
    phoneNumber: calling.workNumber,
    extension: calling.extension,
    location,
    owner: { id: person.id, type: OWNER_TYPES.person, firstName: person.firstName, lastName: person.lastName },
    state: "ACTIVE",
    mainNumber: false,
    isServiceNumber: false,
    tollFreeNumber: false,
  };
}

function resolveFeatureNumber(feature: CallFeatureRecord): ResolvedNumber {
  return {
    phoneNumber: feature.phoneNumber,
    extension: feature.extension,
    location: feature.location,
    owner: { id: feature.id, type: OWNER_TYPES[feature.kind], ...featureCallerNames(feature) },
    state: "ACTIVE",
    mainNumber: false,
    isServiceNumber: feature.phoneNumber !== undefined,
    tollFreeNumber: feature.kind === "autoAttendant" && feature.tollFreeNumber,
  };
}

/**
 * First and last name a feature shows as caller. Webex defaults the first name to "." and the
 * last name to the feature's name; the emulator keeps those defaults.
 */
export function featureCallerNames(feature: CallFeatureRecord): { firstName: string; lastName: string } {
  return { firstName: ".", lastName: feature.name };
}

/** Returns the routing prefix plus extension (enterprise significant number), or undefined without an extension. */
export function esnOf(location: Pick<LocationRecord, "routingPrefix">, extension: string | undefined): string | undefined {
  return extension === undefined ? undefined : `${location.routingPrefix}${extension}`;
}
