// Forms that write to the ledger: the button is disabled while the request runs, the API's
// error is shown next to the form, and a write keeps its ID until it succeeds, so sending the
// same form again after a failure cannot write twice (the ledger refuses a duplicate ID).
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';

export interface FormProps {
  readonly id: string;
  readonly label: string;
  readonly submit: string;
  readonly children: ComponentChildren;
  /** Runs the write; returns the message to show on success. */
  readonly onSubmit: (
    data: Record<string, string>,
    form: HTMLFormElement,
    pendingId: (prefix: string) => string,
  ) => Promise<string>;
}

export function WriteForm({ id, label, submit, children, onSubmit }: FormProps) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const pending = useRef<string | null>(null);
  const pendingId = (prefix: string): string => (pending.current ??= `${prefix}-${crypto.randomUUID()}`);
  const send = async (form: HTMLFormElement): Promise<void> => {
    setBusy(true);
    setMessage(null);
    try {
      const data = Object.fromEntries(
        [...new FormData(form)].filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
        ),
      );
      const text = await onSubmit(data, form, pendingId);
      pending.current = null;
      form.reset();
      setMessage({ text, error: false });
    } catch (err) {
      setMessage({ text: err instanceof Error ? err.message : String(err), error: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      id={id}
      aria-label={label}
      onInput={() => (pending.current = null)}
      onSubmit={(e) => {
        e.preventDefault();
        void send(e.currentTarget);
      }}
    >
      {children}
      <button disabled={busy}>{submit}</button>
      {message && (
        <p class={message.error ? 'error' : 'ok'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </form>
  );
}
