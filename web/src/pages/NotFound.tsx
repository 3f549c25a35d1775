import { Link } from 'react-router-dom';

export function NotFound({ message = 'There is no page at this address.' }: { message?: string }) {
  return (
    <main className="full-page-center" id="main">
      <div className="empty-state">
        <h1>Not found</h1>
        <p className="empty-state__text">{message}</p>
        <Link to="/" className="button button--primary">
          Go to your workspace
        </Link>
      </div>
    </main>
  );
}
