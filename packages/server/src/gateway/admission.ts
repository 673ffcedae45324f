/** What a connection holds while it is open: its place in the caps. */
export interface Ticket {
  readonly address: string;
  /** Not yet connected (action 1 not completed). */
  pending: boolean;
  released: boolean;
}

export interface AdmissionLimits {
  /** Open connections in total, including those still upgrading. */
  maxConnections: number;
  /** Connections from one address that have not completed action 1 (0: unlimited). */
  maxPendingPerAddress: number;
}

export type Admitted = { ok: true; ticket: Ticket } | { ok: false; reason: 'server full' | 'address busy' };

/**
 * Connection caps, checked before an upgrade: all connections together (file descriptors are
 * finite), and connections per address that have not authenticated yet (so that one host cannot
 * take every slot without credentials).
 */
export class Admission {
  private total = 0;
  private readonly pending = new Map<string, number>();

  constructor(private readonly limits: AdmissionLimits) {}

  admit(remoteAddress: string | undefined): Admitted {
    if (this.total >= this.limits.maxConnections) return { ok: false, reason: 'server full' };
    const address = addressKey(remoteAddress);
    const pending = this.pending.get(address) ?? 0;
    const perAddress = this.limits.maxPendingPerAddress;
    if (perAddress > 0 && pending >= perAddress) return { ok: false, reason: 'address busy' };
    this.total++;
    this.pending.set(address, pending + 1);
    return { ok: true, ticket: { address, pending: true, released: false } };
  }

  /** The connection completed action 1: it no longer counts as pending for its address. */
  connected(ticket: Ticket): void {
    if (!ticket.pending || ticket.released) return;
    ticket.pending = false;
    this.unpend(ticket.address);
  }

  /** The connection is gone. */
  release(ticket: Ticket): void {
    if (ticket.released) return;
    ticket.released = true;
    this.total--;
    if (ticket.pending) this.unpend(ticket.address);
  }

  get count(): number {
    return this.total;
  }

  private unpend(address: string): void {
    const n = (this.pending.get(address) ?? 1) - 1;
    if (n > 0) this.pending.set(address, n);
    else this.pending.delete(address);
  }
}

/**
 * The key an address is counted under: IPv4 (also IPv4-mapped IPv6) as is, IPv6 by its /64 prefix,
 * since one host usually has a whole /64 to pick addresses from.
 */
export function addressKey(remote: string | undefined): string {
  if (remote === undefined) return 'unknown';
  const addr = remote.toLowerCase().replace(/%.*$/, '');
  if (!addr.includes(':')) return addr;
  if (addr.startsWith('::ffff:') && addr.includes('.')) return addr.slice(7);
  const [head = '', tail] = addr.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
