/** Who the page signs in as, and how it gets tokens when the server wants them. */
export interface Credentials {
  userId: string;
  /** Token mode: called for every connection attempt and every upload (the SDK's `getToken`). */
  getToken?: () => Promise<string>;
  /** How to sign in again after a reload of this tab. */
  resume: Resume;
}

export type Resume =
  | { mode: 'open'; userId: string }
  | { mode: 'token-url'; userId: string }
  | { mode: 'pasted'; userId: string; token: string };

/** A user id as the protocol has them: 1 to 64 of letters, digits and `_ . @ : + -`. */
export const USER_ID = /^[A-Za-z0-9_.@:+-]{1,64}$/;
