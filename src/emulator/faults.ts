import { createRandom, type Random } from "./random.js";
import type { InjectedFault, RandomFaultOptions } from "./types.js";

/** The fault applied to one request, instead of or after its normal response. */
export interface FaultAction {
  status?: number;
  /** Raw Retry-After value; null sends none; undefined lets the server pick the default. */
  retryAfter?: string | null;
  delayMs?: number;
  reset?: boolean;
  processBeforeFault?: boolean;
}

interface QueuedFault {
  fault: InjectedFault;
  skipLeft: number;
  timesLeft: number;
}

const RANDOM_ERROR_STATUSES = [500, 502, 503, 504] as const;
const DEFAULT_RANDOM_DELAY_MS = 1000;

/**
 * Decides the fault of each request: the first queued scripted fault that matches, otherwise a
 * random fault drawn from a PRNG seeded with the emulator's random seed.
 */
export class FaultPlan {
  readonly #queue: QueuedFault[] = [];
  readonly #rates: Required<RandomFaultOptions>;
  readonly #random: Random;

  constructor(options: RandomFaultOptions | undefined, randomSeed: number) {
    this.#rates = {
      errorRate: checkRate("errorRate", options?.errorRate),
      resetRate: checkRate("resetRate", options?.resetRate),
      delayRate: checkRate("delayRate", options?.delayRate),
      delayMs: options?.delayMs ?? DEFAULT_RANDOM_DELAY_MS,
    };
    // A separate stream from the fixture data, so turning faults on does not change the people.
    this.#random = createRandom(randomSeed ^ 0x5eed_fa17);
  }

  /** @throws TypeError when the fault has no effect or a field is out of range. */
  inject(fault: InjectedFault): void {
    validateFault(fault);
    this.#queue.push({ fault, skipLeft: fault.skip ?? 0, timesLeft: fault.times ?? 1 });
  }

  clear(): void {
    this.#queue.length = 0;
  }

  /** Returns the fault for a request, or undefined when the request gets its normal response. `target` is pathname plus query. */
  decide(method: string, pathname: string, target: string): FaultAction | undefined {
    const index = this.#queue.findIndex((queued) => matches(queued.fault, method, pathname, target));
    if (index >= 0) {
      return this.#consume(index);
    }
    return this.#drawRandom();
  }

  #consume(index: number): FaultAction | undefined {
    const queued = this.#queue[index]!;
    if (queued.skipLeft > 0) {
      queued.skipLeft -= 1;
      return undefined;
    }
    queued.timesLeft -= 1;
    if (queued.timesLeft <= 0) {
      this.#queue.splice(index, 1);
    }
    const { status, retryAfter, delayMs, reset, processBeforeFault } = queued.fault;
    return { status, retryAfter, delayMs, reset, processBeforeFault };
  }

  #drawRandom(): FaultAction | undefined {
    const rates = this.#rates;
    if (rates.errorRate === 0 && rates.resetRate === 0 && rates.delayRate === 0) {
      return undefined;
    }
    const draw = this.#random.next();
    if (draw < rates.resetRate) {
      return { reset: true };
    }
    if (draw < rates.resetRate + rates.errorRate) {
      return { status: this.#random.pick(RANDOM_ERROR_STATUSES) };
    }
    if (this.#random.next() < rates.delayRate) {
      return { delayMs: rates.delayMs };
    }
    return undefined;
  }
}

function matches(fault: InjectedFault, method: string, pathname: string, target: string): boolean {
  if (fault.method && fault.method.toUpperCase() !== method) {
    return false;
  }
  const path = fault.path;
  if (path === undefined) {
    return true;
  }
  if (path instanceof RegExp) {
    path.lastIndex = 0;
    return path.test(target);
  }
  const candidates = [pathname, target];
  if (pathname.startsWith("/v1/")) {
    candidates.push(pathname.slice(3), target.slice(3));
  }
  if (path.endsWith("*")) {
    const prefix = path.slice(0, -1);
    return candidates.some((candidate) => candidate.startsWith(prefix));
  }
  return candidates.includes(path);
}

function validateFault(fault: InjectedFault): void {
  const hasEffect = fault.status !== undefined || fault.reset === true || (fault.delayMs ?? 0) > 0;
  if (!hasEffect) {
    throw new TypeError("inject() needs status, reset or delayMs; the fault would change nothing.");
  }
  if (fault.status !== undefined && (!Number.isInteger(fault.status) || fault.status < 200 || fault.status > 599)) {
    throw new TypeError(`inject() status must be an integer from 200 to 599, got ${fault.status}.`);
  }
  if (fault.processBeforeFault && fault.status === undefined && !fault.reset) {
    throw new TypeError("inject() processBeforeFault needs status or reset: the response that replaces the normal one after processing.");
  }
  for (const [name, value, minimum] of [["skip", fault.skip, 0], ["times", fault.times, 1], ["delayMs", fault.delayMs, 0]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < minimum)) {
      throw new TypeError(`inject() ${name} must be an integer of at least ${minimum}, got ${value}.`);
    }
  }
}

function checkRate(name: string, value: number | undefined): number {
  const rate = value ?? 0;
  if (!(rate >= 0 && rate <= 1)) {
    throw new RangeError(`faults.${name} must be a share from 0 to 1, got ${value}.`);
  }
  return rate;
}
