import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The dev server port matches the service's default CORS origin
// (FM_CORS_ORIGINS = http://localhost:5173); see README.md.
export default defineConfig({
  plugins: [react()],
  server: { port: 5173, strictPort: true },
  build: {
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: separate, cacheable chunks.
        codeSplitting: {
          groups: [
            { name: 'mqtt', test: /node_modules[\\/]mqtt/ },
            { name: 'vendor', test: /node_modules/ },
          ],
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{js,jsx}'],
    restoreMocks: true,
  },
});
