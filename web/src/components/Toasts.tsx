import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';

interface Toast {
  id: number;
  message: string;
  tone: 'success' | 'error';
}

const ToastContext = createContext<(message: string, tone?: Toast['tone']) => void>(() => {});

export const useToast = () => useContext(ToastContext);

let nextId = 1;

/** Short confirmations in a polite live region; errors in an assertive one. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const show = useCallback(
    (message: string, tone: Toast['tone'] = 'success') => {
      const id = nextId++;
      setToasts((all) => [...all.slice(-2), { id, message, tone }]);
      setTimeout(() => dismiss(id), tone === 'error' ? 8000 : 4000);
    },
    [dismiss],
  );
  const render = (tone: Toast['tone']) =>
    toasts
      .filter((t) => t.tone === tone)
      .map((t) => (
        <div key={t.id} className={`toast toast--${t.tone}`}>
          <span>{t.message}</span>
          <button type="button" className="icon-button icon-button--small" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
      ));
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div className="toasts">
        <div aria-live="polite" role="status">
          {render('success')}
        </div>
        <div aria-live="assertive" role="alert">
          {render('error')}
        </div>
      </div>
    </ToastContext.Provider>
  );
}
