// Log in (every role), and sign up as a donor on the donor platform's API.
import { api } from '../api';
import { hrefOf } from '../lib/router';
import { WriteForm } from './forms';
import { useTitle } from './hooks';
import { useSession } from './session';

interface SessionAnswer {
  readonly token: string;
}

export function LoginPage() {
  useTitle('Log in');
  const { info, start } = useSession();
  const begin = async (answer: SessionAnswer, welcome: string): Promise<string> => {
    await start(answer.token);
    location.hash = hrefOf({ page: 'account' });
    return welcome;
  };
  return (
    <>
      <h1>Log in</h1>
      <WriteForm id="login-form" label="Log in" submit="Log in" onSubmit={async (data) => begin(await api<SessionAnswer>('POST', '/api/sessions', data), 'Logged in.')}>
        <label>Username <input name="username" autocomplete="username" required /></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
      </WriteForm>
      {info?.donorSignUp && (
        <section aria-labelledby="signup-heading">
          <h2 id="signup-heading">New donor? Sign up</h2>
          <WriteForm id="signup-form" label="Sign up" submit="Sign up"
            onSubmit={async (data) => begin(await api<SessionAnswer>('POST', '/api/accounts', data), 'Welcome! Your account and your own ledger identity are ready.')}>
            <label>Username <input name="username" autocomplete="username" required pattern="[a-z0-9][a-z0-9._\-]{2,31}" /></label>
            <label>Password <input name="password" type="password" autocomplete="new-password" required minLength={10} /></label>
            <label>Your name <input name="name" autocomplete="name" required /></label>
            <label>Email <input name="email" type="email" autocomplete="email" required /></label>
          </WriteForm>
          <p class="hint">Your name and email stay private to the donor platform; the shared ledger only sees a key derived from your identity.</p>
        </section>
      )}
    </>
  );
}
