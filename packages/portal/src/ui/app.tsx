// The portal's frame: a header with the pages everyone may see and the area of whoever is
// logged in, and the page the URL's hash names.
import { useEffect, useState } from 'preact/hooks';
import { hrefOf, Route, routeOf } from '../lib/router';
import { AccountPage } from './account-pages';
import { BlockPage, ExplorerPage, HistoryPage } from './explorer-pages';
import { LoginPage } from './login-page';
import { ReceiptPage } from './receipt-page';
import { DonationPage, HomePage, NgoPage } from './public-pages';
import { SessionProvider, useSession } from './session';
import { VerifyPage } from './verify-page';

export function App() {
  return (
    <SessionProvider>
      <Frame />
    </SessionProvider>
  );
}

function Frame() {
  const [route, setRoute] = useState<Route>(routeOf(location.hash));
  useEffect(() => {
    const follow = (): void => {
      setRoute(routeOf(location.hash));
      window.scrollTo(0, 0);
    };
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  const { me, info, end } = useSession();
  return (
    <>
      <a class="skip no-print" href="#main">Skip to the content</a>
      <header class="site no-print">
        <a class="brand" href={hrefOf({ page: 'home' })}>Donation ledger{info ? <span class="org"> · served by {info.org}</span> : null}</a>
        <nav aria-label="Main">
          <ul>
            <li><a href={hrefOf({ page: 'home' })} aria-current={route.page === 'home' ? 'page' : undefined}>Where the money goes</a></li>
            <li><a href={hrefOf({ page: 'verify' })} aria-current={route.page === 'verify' ? 'page' : undefined}>Verify a receipt</a></li>
            {me
              ? <><li><a href={hrefOf({ page: 'account' })} aria-current={route.page === 'account' ? 'page' : undefined}>My area</a></li>
                <li><a href={hrefOf({ page: 'explorer' })} aria-current={route.page === 'explorer' ? 'page' : undefined}>Explorer</a></li>
                <li><button type="button" class="link" onClick={() => { end(); location.hash = hrefOf({ page: 'home' }); }}>Log out</button></li></>
              : <li><a href={hrefOf({ page: 'login' })} aria-current={route.page === 'login' ? 'page' : undefined}>Log in{info?.donorSignUp ? ' or sign up' : ''}</a></li>}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
      <footer class="site no-print">
        <a href="/docs">API documentation</a> · <a href="/openapi.json">OpenAPI document</a>
      </footer>
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'home': return <HomePage />;
    case 'ngo': return <NgoPage ngoId={route.ngoId} />;
    case 'donation': return <DonationPage donationId={route.donationId} />;
    case 'receipt': return <ReceiptPage donationId={route.donationId} />;
    case 'verify': return <VerifyPage />;
    case 'login': return <LoginPage />;
    case 'account': return <AccountPage />;
    case 'explorer': return <ExplorerPage />;
    case 'block': return <BlockPage number={route.number} />;
    case 'history': return <HistoryPage recordType={route.recordType} recordId={route.recordId} />;
  }
}
