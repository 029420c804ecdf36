// Placeholder until the receipt verifier lands (issue 17, item 2).
import { useTitle } from './hooks';

export function VerifyPage() {
  useTitle('Verify a receipt');
  return <h1>Verify a receipt</h1>;
}
