import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createTheme, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import '@mantine/core/styles.css';
import './styles.css';
import { isApiError } from './api/client.js';
import { App } from './App.js';
import { I18nProvider } from './i18n.js';
import { SessionProvider } from './session.js';

const theme = createTheme({
  primaryColor: 'blue',
  autoContrast: true,
  luminanceThreshold: 0.45,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif',
  defaultRadius: 'sm',
  focusRing: 'always',
});

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // 401/403/404 will not fix themselves; other failures (network) retry twice.
      retry: (count, err) => !isApiError(err, 401) && !isApiError(err, 403) && !isApiError(err, 404) && count < 2,
      refetchOnWindowFocus: true,
      staleTime: 5_000,
    },
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="dark">
      <QueryClientProvider client={queryClient}>
        <I18nProvider>
          <SessionProvider>
            <App />
          </SessionProvider>
        </I18nProvider>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
