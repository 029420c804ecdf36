// Loading data for a page: the newest request wins, so a slow old answer never overwrites a new one.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly loading: boolean;
  readonly reload: () => void;
}

export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[], refreshMs?: number): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | undefined; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const generation = useRef(0);
  // `fresh`: the inputs changed, so what is shown belongs to the old ones (another NGO's campaigns
  // in a form) and goes at once; a refresh or reload of the same inputs keeps it until the answer.
  const run = useCallback((fresh: boolean) => {
    const mine = ++generation.current;
    setState((s) => (fresh ? { data: undefined, error: undefined, loading: true } : { ...s, loading: true }));
    load().then(
      (data) => mine === generation.current && setState({ data, error: undefined, loading: false }),
      (err: unknown) => mine === generation.current && setState((s) => ({ data: s.data, error: err instanceof Error ? err.message : String(err), loading: false })),
    );
  }, deps);
  useEffect(() => {
    run(true);
    if (!refreshMs) return undefined;
    const timer = setInterval(() => run(false), refreshMs);
    return () => clearInterval(timer);
  }, [run, refreshMs]);
  return { ...state, reload: () => run(false) };
}

/** Sets the document's title for the page being shown. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Donation ledger`;
  }, [title]);
}
