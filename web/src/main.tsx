import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiError, setCsrfToken } from './api/client.ts';
import { sessionKey } from './api/session.ts';
import { ToastProvider } from './components/Toasts.tsx';
import { App } from './App.tsx';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/publishing.css';
import './styles/media.css';

/** A session that ended elsewhere (expired, signed out, password changed) sends the user to sign in. */
const onError = (error: Error) => {
  if (error instanceof ApiError && ['unauthenticated', 'session_invalid', 'session_expired'].includes(error.code)) {
    setCsrfToken(null);
    queryClient.setQueryData(sessionKey, null);
  }
};

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      // Client errors (no permission, not found) will not change by asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <ToastProvider>
          <App />
        </ToastProvider>
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
