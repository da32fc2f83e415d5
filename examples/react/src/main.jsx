import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.jsx';

// Settings come from the page, so one build serves every installation.
const root = document.getElementById('root');
createRoot(root).render(
  <StrictMode>
    <App service={root.dataset.service} helpdesk={root.dataset.helpdesk} />
  </StrictMode>,
);
