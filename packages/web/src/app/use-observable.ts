import { useEffect, useState } from 'preact/hooks';
import type { Observable } from './observable.js';

/** Renders the component again whenever `model` changes. */
export function useObservable(model: Observable): void {
  const [, setTick] = useState(0);
  useEffect(() => model.subscribe(() => setTick((t) => t + 1)), [model]);
}
