import { AlertIcon, CheckIcon, ClockIcon, DoubleCheckIcon } from '../ui/icons.js';
import type { DeliveryStatus } from './chat-entry.js';

export type TickState = 'sending' | 'sent' | 'read' | 'failed';

export function tickState(status: DeliveryStatus, failed: string | undefined): TickState {
  if (failed !== undefined) return 'failed';
  return status === 2 ? 'read' : status === 1 ? 'sent' : 'sending';
}

/** The delivery state of one of your messages: a clock, one tick (stored), two ticks (read). */
export function StatusTicks({ status, failed }: { status: DeliveryStatus; failed?: string | undefined }) {
  const state = tickState(status, failed);
  return (
    <span class={`ticks ${state}`} data-status={state} title={failed ?? state}>
      {state === 'failed' ? (
        <AlertIcon label={`not sent: ${failed}`} />
      ) : state === 'read' ? (
        <DoubleCheckIcon label="read" />
      ) : state === 'sent' ? (
        <CheckIcon label="sent" />
      ) : (
        <ClockIcon label="sending" />
      )}
    </span>
  );
}
