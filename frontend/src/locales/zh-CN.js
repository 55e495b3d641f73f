// The Chinese messages, shared and per feature, in one chunk like locales/en.js:
// each visitor downloads only the language shown.
import zh from './zh-CN.json'

const features = import.meta.glob('./*/zh-CN.json', { eager: true, import: 'default' })

export default [zh, ...Object.keys(features).sort().map((k) => features[k])]
