// Who is logged in (if anyone): the account behind the session token, shared by every page.
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { api, sessionToken, setSessionToken } from '../api';

export interface Me {
  readonly username: string;
  readonly role: 'donor' | 'ngo-staff' | 'ngo-admin' | 'org-admin' | 'payments';
  readonly ngoId: string | null;
}

export interface Info {
  readonly org: string;
  readonly donorSignUp: boolean;
}

interface Session {
  readonly me: Me | null;
  readonly info: Info | null;
  readonly start: (token: string) => Promise<void>;
  readonly end: () => void;
}

const SessionContext = createContext<Session>({ me: null, info: null, start: () => Promise.resolve(), end: () => undefined });

export function SessionProvider({ children }: { children: ComponentChildren }) {
  const [me, setMe] = useState<Me | null>(null);
  const [info, setInfo] = useState<Info | null>(null);
  const end = useCallback(() => {
    setSessionToken(null);
    setMe(null);
  }, []);
  const start = useCallback(async (token: string) => {
    setSessionToken(token);
    setMe(await api<Me>('GET', '/api/accounts/me'));
  }, []);
  useEffect(() => {
    api<Info>('GET', '/api/info').then(setInfo, () => setInfo(null));
    const token = sessionToken();
    if (token) start(token).catch(end);
    window.addEventListener('session-ended', end);
    return () => window.removeEventListener('session-ended', end);
  }, [start, end]);
  return <SessionContext.Provider value={{ me, info, start, end }}>{children}</SessionContext.Provider>;
}

export const useSession = (): Session => useContext(SessionContext);
