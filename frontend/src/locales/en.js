// The English messages, shared and per feature, in one chunk that i18n.js
// loads only when English is chosen (zh-CN is in the main bundle: the default
// and the fallback).
import en from './en.json'

const features = import.meta.glob('./*/en.json', { eager: true, import: 'default' })

export default [en, ...Object.keys(features).sort().map((k) => features[k])]
