/** Public API of the wxadmin SDK. Anything not exported here is internal. */
export { Webex, Org, type WebexOptions, type OrgRef } from "./webex.js";

export { TokenInfo, type TokenFields } from "./auth/token.js";
export { StaticTokenProvider, validateAccessToken, type TokenProvider, type StaticTokenProviderOptions } from "./auth/token-provider.js";

export {
  Applications,
  Application,
  SERVICE_APP_TYPE,
  type ApplicationData,
  type CreateServiceApplicationInput,
  type ListApplicationsParams,
} from "./resources/applications.js";
export { Organizations, type OrganizationData } from "./resources/organizations.js";
export { People, type Person, type ListPeopleParams, type GetPersonOptions } from "./resources/people.js";
export { Licenses, type License } from "./resources/licenses.js";

export {
  Transport,
  DEFAULT_TIMEOUT_MS,
  type ApiResponse,
  type HttpMethod,
  type QueryValue,
  type RequestOptions,
  type TransportOptions,
} from "./transport/request.js";
export { DEFAULT_BASE_URL, validateBaseUrl, isLoopbackHost } from "./transport/base-url.js";
export { DEFAULT_RETRY, parseRetryAfter, type RetryOptions } from "./transport/retry.js";
export { findNextLink, paginate, type Page, type Paginator, type ToArrayOptions } from "./transport/paginate.js";
export { RateLimitGate, type SleepFunction } from "./transport/rate-limit.js";
export {
  WebexError,
  AuthError,
  PermissionError,
  NotFoundError,
  ConflictError,
  RateLimitError,
  ServerError,
  NetworkError,
  TimeoutError,
  InvalidInputError,
  BadRequestError,
  TokenRefreshError,
  WebexApiError,
  exitCodeFor,
  type WebexErrorCode,
  type WebexErrorDetails,
  type TokenRejectionReason,
  type TokenRefreshErrorDetails,
} from "./transport/errors.js";

export { encodeId, decodeId, isUuid, isWebexId, isSameId, rawId, type WebexIdParts } from "./ids.js";
export { maskSecret, registerSecret, isSecretKey, redactText, redactValue } from "./redact.js";
export {
  createConsoleLogger,
  createRedactingLogger,
  silentLogger,
  type Logger,
  type LogLevel,
  type LogFields,
  type ConsoleLoggerOptions,
} from "./logger.js";
export {
  MemoryTokenStore,
  tokenStoreKey,
  normalizeOrgId,
  type TokenStore,
  type TokenStoreKey,
  type StoredToken,
} from "./auth/token-store.js";
export { FileTokenStore, TOKEN_STORE_FILE_VERSION, type FileTokenStoreOptions } from "./auth/file-token-store.js";
export { type ServiceAppOptions } from "./webex.js";
export {
  ServiceAppTokenProvider,
  type ServiceAppTokenProviderOptions,
  type ServiceAppTokenEvents,
  type ServiceAppTokenStatus,
  type TokenManagerOptions,
  type TokenRenewedEvent,
  type RefreshTokenExpiringEvent,
} from "./auth/service-app-token-provider.js";
export { DEFAULT_REFRESH_TIMINGS, type RefreshTimings } from "./auth/token-schedule.js";
export { type CallOptions, type ConnectionOptions } from "./transport/request.js";
export { Locations, type Location, type LocationAddress, type ListLocationsParams } from "./resources/locations.js";
export {
  CallingLocations,
  type CallingLocation,
  type CallingLocationDetails,
  type ListCallingLocationsParams,
} from "./resources/calling-locations.js";
export { Numbers, type PhoneNumber, type ListNumbersParams } from "./resources/numbers.js";
export { CallQueues, type CallQueue, type CallQueueDetails, type FeatureAgent, type ListCallQueuesParams } from "./resources/call-queues.js";
export { CallQueueAgents, type CallQueueAgent, type ListCallQueueAgentsParams } from "./resources/call-queue-agents.js";
export { HuntGroups, type HuntGroup, type HuntGroupDetails, type ListHuntGroupsParams } from "./resources/hunt-groups.js";
export { AutoAttendants, type AutoAttendant, type AutoAttendantDetails, type ListAutoAttendantsParams } from "./resources/auto-attendants.js";
export { type OffsetPagingParams } from "./resources/list-params.js";
export { type RateLimitWaitEvent, type RateLimitWaitListener } from "./transport/rate-limit.js";
export {
  SnapshotDb,
  type Snapshot,
  type SnapshotKind,
  type SnapshotStatus,
  type KindStatus,
  type SnapshotOrg,
  type ObjectInput,
  type ObjectJsonInput,
  type StoredObjectRow,
  type StoredObjectJson,
  type CreateSnapshotOptions,
  type PageInput,
  type JsonPageInput,
  type OpenSnapshotDbOptions,
  type DeletedSnapshot,
  SnapshotBusyError,
  type SnapshotClaim,
} from "./storage/snapshot-db.js";
export { SCHEMA_VERSION } from "./storage/schema.js";
export {
  backupOrgs,
  BACKUP_KINDS,
  type BackupKind,
  type BackupOptions,
  type BackupProgressEvent,
  type BackupResult,
  type BackupUnitState,
} from "./jobs/backup.js";
