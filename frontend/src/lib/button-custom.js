// Stands in for Element Plus's button-custom.mjs (vite.config.js aliases it): that module computes the colours of
// an <el-button color="…"> with TinyColor (30 KB, in every page's first view since every page has a button). The
// portal never sets `color` on a button (its buttons take `type`), so the custom style is always empty.
import { computed } from 'vue'

export function useButtonCustomStyle(props) {
  if (import.meta.env.DEV && props.color) console.warn('el-button color is not supported (see src/lib/button-custom.js)')
  return computed(() => ({}))
}
