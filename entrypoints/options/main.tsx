import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

function OptionsPage() {
  return (
    <main>
      <h1>AITL settings</h1>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <OptionsPage />
  </StrictMode>,
);
