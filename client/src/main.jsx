import 'bootstrap/dist/css/bootstrap.min.css';
import './app.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import App from './App.jsx';
import ConfigError from './components/ConfigError.jsx';
import { loadConfig } from './config.js';

const root = createRoot(document.getElementById('root'));

loadConfig().then(
  (config) =>
    root.render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    ),
  (error) => root.render(<ConfigError message={error.message} />),
);
