import { ErrorCode, isParleyError } from '@parley/client';

/** A sentence for a person about what went wrong. */
export function describeError(err: unknown): string {
  if (!isParleyError(err)) return err instanceof Error ? err.message : String(err);
  switch (err.code) {
    case ErrorCode.UnknownUser:
      return 'There is no such user.';
    case ErrorCode.RecallExpired:
      return 'Too late to recall that message.';
    case ErrorCode.TooLarge:
      return 'That is too large to send.';
    case ErrorCode.RecipientFull:
      return 'They have too many unread messages; try again later.';
    case ErrorCode.Cooldown:
      return 'They declined a request from you recently; try again later.';
    case ErrorCode.RateLimited:
      return 'Too many requests; slow down a little.';
    case ErrorCode.QuotaExceeded:
      return 'Upload quota used up for today.';
    case ErrorCode.AuthFailed:
      return 'Signed out: the server did not accept the sign-in.';
    case ErrorCode.Forbidden:
      return 'Not allowed: only the group’s owner or an admin may do that.';
    case ErrorCode.Muted:
      return 'You are muted in this group (or only admins may post now).';
    case ErrorCode.NotMember:
      return 'You are not a member of this group.';
    case ErrorCode.GroupDismissed:
      return 'This group was dismissed.';
    case ErrorCode.UnknownGroup:
      return 'There is no such group.';
    case ErrorCode.GroupFull:
      return 'The group is full.';
    case ErrorCode.Blocked:
      return 'Not delivered: this person has blocked you.';
    case 'TIMEOUT':
      return 'No answer from the server (it may have been stored).';
    case 'HTTP':
      return 'The upload failed.';
    default:
      return err.message;
  }
}
