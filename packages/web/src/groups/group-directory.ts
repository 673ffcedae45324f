import type { GroupInfo, GroupMember, GroupRole } from '@parley/client';
import { Observable } from '../app/observable.js';
import { ReadCounts } from './read-counts.js';

/** What this page knows of one group. */
export interface GroupState {
  id: string;
  info: GroupInfo | undefined;
  /** Whether this user is a member now: undefined until known (the group list, an event). */
  member: boolean | undefined;
  /** Members with their roles and read positions, once asked (`group(id)`). */
  members: GroupMember[] | undefined;
  readCounts: ReadCounts;
}

/** The groups of the signed-in user: info, membership, members and read counts, by group id. */
export class GroupDirectory extends Observable {
  private readonly byId = new Map<string, GroupState>();
  /** The ids of `groups()`, once asked: a group met later and not among them is one this user left. */
  private mine: ReadonlySet<string> | undefined;

  get(id: string): GroupState {
    let g = this.byId.get(id);
    if (!g) {
      const member = this.mine?.has(id);
      g = { id, info: undefined, member, members: undefined, readCounts: new ReadCounts() };
      this.byId.set(id, g);
    }
    return g;
  }

  /** The groups this user is a member of now (`groups()`): the others it knows it left. */
  setMine(groups: readonly GroupInfo[]): void {
    const mine = new Set(groups.map((g) => g.id));
    this.mine = mine;
    for (const g of this.byId.values()) if (!mine.has(g.id)) g.member = false;
    for (const info of groups) this.setInfo(info, true);
    this.changed();
  }

  setInfo(info: GroupInfo, member?: boolean): void {
    const g = this.get(info.id);
    g.info = info;
    if (member !== undefined) this.setMembership(info.id, member);
    this.changed();
  }

  setMembership(id: string, member: boolean): void {
    if (this.mine && member !== this.mine.has(id)) {
      const mine = new Set(this.mine);
      if (member) mine.add(id);
      else mine.delete(id);
      this.mine = mine;
    }
    const g = this.get(id);
    if (g.member === member) return;
    g.member = member;
    this.changed();
  }

  setMembers(id: string, info: GroupInfo, members: GroupMember[]): void {
    const g = this.get(id);
    g.info = info;
    g.members = members;
    this.setMembership(id, true);
    g.readCounts.setMembers(members);
    this.changed();
  }

  rename(id: string, name: string): void {
    const g = this.get(id);
    if (g.info) g.info = { ...g.info, name };
    this.changed();
  }

  dismissed(id: string): void {
    const g = this.get(id);
    if (g.info) g.info = { ...g.info, dismissed: true };
    this.changed();
  }

  roleOf(id: string, userId: string): GroupRole | undefined {
    return this.byId.get(id)?.members?.find((m) => m.userId === userId)?.role;
  }

  /** Something about the read counts changed (a receipt). */
  touched(): void {
    this.changed();
  }
}
