import type { Resume } from './credentials.js';

const RESUME = 'parley:resume';
const LAST = 'parley:last-user';

/** The sign-in of this tab, so that a reload does not sign out (sessionStorage: this tab only). */
export function savedResume(): Resume | undefined {
  try {
    const value = JSON.parse(sessionStorage.getItem(RESUME) ?? 'null') as Resume | null;
    return value && typeof value.userId === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export function saveResume(resume: Resume | undefined): void {
  try {
    if (resume === undefined) sessionStorage.removeItem(RESUME);
    else sessionStorage.setItem(RESUME, JSON.stringify(resume));
  } catch {
    // storage disabled: a reload signs out
  }
}

/** The last user id and name typed on this browser, to fill the form in. */
export function lastUser(): { userId: string; name: string } {
  try {
    const value = JSON.parse(localStorage.getItem(LAST) ?? 'null') as {
      userId?: unknown;
      name?: unknown;
    } | null;
    return {
      userId: typeof value?.userId === 'string' ? value.userId : '',
      name: typeof value?.name === 'string' ? value.name : '',
    };
  } catch {
    return { userId: '', name: '' };
  }
}

export function saveLastUser(userId: string, name: string): void {
  try {
    localStorage.setItem(LAST, JSON.stringify({ userId, name }));
  } catch {
    // not remembered
  }
}
