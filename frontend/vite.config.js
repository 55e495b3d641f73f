import { writeFileSync, mkdirSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

const dist = fileURLToPath(new URL('./dist', import.meta.url))

// keepGitkeep recreates dist/.gitkeep after Vite empties dist, so `go build`
// keeps working on a clean clone (//go:embed all:dist needs one file).
function keepGitkeep() {
  return {
    name: 'keep-gitkeep',
    apply: 'build',
    closeBundle() {
      mkdirSync(dist, { recursive: true })
      writeFileSync(`${dist}/.gitkeep`, '')
    },
  }
}

export default defineConfig({
  plugins: [
    vue(),
    // Imports only the Element Plus components a template uses (and their CSS),
    // so route chunks stay small instead of one bundle with the whole library.
    Components({
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      dts: false,
    }),
    keepGitkeep(),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false,
  },
  build: {
    outDir: dist,
    emptyOutDir: true,
    // Read by scripts/budget.mjs (which then deletes it) to follow each page's imports.
    manifest: true,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
})
