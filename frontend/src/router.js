import { START_LOCATION, createRouter, createWebHistory } from 'vue-router'
import { useAuthStore } from '@/stores/auth'
import { routeHead } from '@/lib/head'

// Every page is its own chunk; meta.roles lists who may open it (none: public). meta.prefetch lists the GET
// requests (API paths, exactly as the page sends them, ':id' from the address) that an anonymous visitor's
// first view of the page starts at once: index.html's first-view script (scripts/first-view.mjs) sends them
// with the page's chunks, and the API client takes the answers instead of asking again.
const routes = [
  { path: '/', name: 'home', component: () => import('@/views/public/HomePage.vue'), meta: { prefetch: ['/tenders?status=open&limit=20'] } },
  {
    path: '/tenders/:id', name: 'tender', component: () => import('@/views/public/TenderDetail.vue'), props: true,
    meta: { prefetch: ['/tenders/:id', '/tenders/:id/documents?limit=100', '/tenders/:id/questions?limit=100'] },
  },
  { path: '/organizations', name: 'orgs', component: () => import('@/views/public/OrganizationList.vue'), meta: { prefetch: ['/public/organizations?limit=20'] } },
  {
    path: '/organizations/:id', name: 'org', component: () => import('@/views/public/OrganizationProfile.vue'), props: true,
    meta: { prefetch: ['/public/organizations/:id'] },
  },
  { path: '/communities', name: 'communities', component: () => import('@/views/public/CommunitiesPage.vue'), meta: { prefetch: ['/communities?limit=100'] } },
  {
    path: '/communities/:id', name: 'community', component: () => import('@/views/public/CommunityPage.vue'), props: true,
    meta: { prefetch: ['/communities/:id', '/communities/:id/indicators', '/needs?community_id=:id&limit=100', '/project-list?community_id=:id&limit=100'] },
  },
  { path: '/needs', name: 'needs', component: () => import('@/views/public/NeedsBoard.vue'), meta: { prefetch: ['/communities?limit=100', '/needs?limit=20'] } },
  { path: '/claims', name: 'claims', component: () => import('@/views/public/ClaimsBoard.vue'), meta: { prefetch: ['/tenders?procedure=claim&status=open&limit=50'] } },
  { path: '/project-list', name: 'project-list', component: () => import('@/views/public/ProjectListPage.vue'), meta: { prefetch: ['/communities?limit=100'] } },
  { path: '/community', name: 'community-desk', component: () => import('@/views/community/CommunityDesk.vue'), meta: { roles: ['community'] } },
  { path: '/manage/needs', name: 'need-triage', component: () => import('@/views/admin/NeedTriage.vue'), meta: { roles: ['admin'] } },
  { path: '/manage/project-list', name: 'plan-editor', component: () => import('@/views/admin/PlanEditor.vue'), meta: { roles: ['admin'] } },
  { path: '/stats', name: 'stats', component: () => import('@/views/public/StatsPage.vue'), meta: { prefetch: ['/stats'] } },
  { path: '/contracts', name: 'contracts', component: () => import('@/views/public/ContractList.vue'), meta: { prefetch: ['/contracts?limit=20'] } },
  {
    path: '/contracts/:id', name: 'contract', component: () => import('@/views/public/ContractDetail.vue'), props: true,
    meta: { prefetch: ['/contracts/:id'] },
  },
  { path: '/login', name: 'login', component: () => import('@/views/public/LoginPage.vue') },
  { path: '/register', name: 'register', component: () => import('@/views/org/RegisterPage.vue') },

  { path: '/org/profile', name: 'org-profile', component: () => import('@/views/org/OrgProfile.vue'), meta: { roles: ['org'] } },
  { path: '/org/bids', name: 'my-bids', component: () => import('@/views/org/MyBids.vue'), meta: { roles: ['org'] } },
  {
    path: '/org/tenders/:tenderId/bid', name: 'bid-editor', component: () => import('@/views/org/BidEditor.vue'),
    props: true, meta: { roles: ['org'] },
  },

  { path: '/manage/tenders', name: 'manage-tenders', component: () => import('@/views/admin/TenderList.vue'), meta: { roles: ['admin', 'auditor'] } },
  { path: '/manage/tenders/new', name: 'tender-new', component: () => import('@/views/admin/TenderWizard.vue'), meta: { roles: ['admin'] } },
  {
    path: '/manage/tenders/:id/edit', name: 'tender-edit', component: () => import('@/views/admin/TenderWizard.vue'),
    props: true, meta: { roles: ['admin'] },
  },
  {
    path: '/manage/tenders/:id', name: 'tender-manage', component: () => import('@/views/admin/TenderManage.vue'),
    props: true, meta: { roles: ['admin', 'auditor'] },
  },
  { path: '/manage/organizations', name: 'manage-orgs', component: () => import('@/views/admin/OrgApproval.vue'), meta: { roles: ['admin', 'auditor'] } },
  { path: '/manage/catalog', name: 'catalog', component: () => import('@/views/admin/CatalogPage.vue'), meta: { roles: ['admin'] } },
  { path: '/manage/users', name: 'users', component: () => import('@/views/admin/UsersPage.vue'), meta: { roles: ['admin'] } },
  { path: '/manage/feedback', name: 'feedback', component: () => import('@/views/admin/FeedbackPage.vue'), meta: { roles: ['admin'] } },
  { path: '/manage/calendar', name: 'calendar', component: () => import('@/views/admin/CalendarPage.vue'), meta: { roles: ['admin'] } },
  { path: '/manage/audit', name: 'audit', component: () => import('@/views/admin/AuditPage.vue'), meta: { roles: ['admin', 'auditor'] } },

  { path: '/evaluator/panels', name: 'panels', component: () => import('@/views/evaluator/MyPanels.vue'), meta: { roles: ['evaluator'] } },
  {
    path: '/evaluator/tenders/:id', name: 'scoring', component: () => import('@/views/evaluator/ScoringSheet.vue'),
    props: true, meta: { roles: ['evaluator'] },
  },

  {
    path: '/evaluator/contracts/:id/milestones/:mid', name: 'contract-sheet', component: () => import('@/views/evaluator/ContractSheet.vue'),
    props: true, meta: { roles: ['evaluator'] },
  },

  { path: '/forbidden', name: 'forbidden', component: () => import('@/views/public/ForbiddenPage.vue') },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/views/public/NotFound.vue') },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  // Not on the first navigation (a page opened at its top, or a reload, whose position comes as `saved`):
  // window.scrollTo there made the browser lay out the page just rendered inside the same task, the longest part
  // of the project list's render on a phone (issue #17, total blocking time); the layout now runs with the paint.
  scrollBehavior: (to, from, saved) => saved || (from === START_LOCATION ? false : { top: 0 }),
})

router.beforeEach((to) => {
  const roles = to.meta.roles
  if (!roles) return true
  const auth = useAuthStore()
  if (!auth.loggedIn) return { name: 'login', query: { redirect: to.fullPath } }
  if (!roles.includes(auth.role)) return { name: 'forbidden' }
  return true
})

/** homeFor is where a role lands after login. */
export function homeFor(role) {
  return (
    { admin: '/manage/tenders', auditor: '/manage/tenders', evaluator: '/evaluator/panels', org: '/org/bids', community: '/community' }[role] || '/'
  )
}

// Every page starts with its route's title and the site description; pages about one thing refine it.
router.afterEach((to) => routeHead(to))
