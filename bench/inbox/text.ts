/**
 * Words the inbox benchmark writes its messages with, shared by the bulk load (passed to SQL as
 * arrays) and by the fake instance that feeds the sync, so both produce the same kind of text.
 *
 * Words are drawn with a skew towards the front of each list (index = n × random³), so the first
 * words of a language are in a large share of messages and the last ones in very few: full-text
 * search then has common terms and selective ones, as real inboxes do.
 */

export const LANGUAGES = {
  en: 'thanks order the you your is not still when my it where help please love great package shipping delivery refund account app update problem issue support waiting days week customer service reply today again working price tracking login password broken wrong charged twice store review team product new version feature request bug crash error slow cancel subscription invoice billing return size color discount code coupon email phone number address change awesome amazing disappointed terrible quick fast helpful thanks again monday friday morning tonight weekend android iphone desktop browser notification setting privacy data export import upload photo video battery screen camera warranty replacement receipt checkout basket wishlist preorder backorder restock voucher loyalty points membership upgrade downgrade trial renewal',
  fr: 'merci commande vous le la est pas encore quand mon ma où aide svp livraison colis remboursement compte application mise jour problème attente jours semaine service client réponse aujourd hui toujours prix suivi connexion mot passe cassé facturé deux fois magasin avis équipe produit nouvelle version bug erreur lent annuler abonnement facture retour taille couleur réduction code génial déçu rapide',
  es: 'gracias pedido usted el la es no todavía cuando mi dónde ayuda por favor envío paquete reembolso cuenta aplicación actualización problema espera días semana servicio cliente respuesta hoy otra vez precio seguimiento contraseña roto cobrado dos veces tienda reseña equipo producto nueva versión error lento cancelar suscripción factura devolución talla color descuento código increíble decepcionado rápido',
  de: 'danke bestellung sie der die ist nicht noch wann mein wo hilfe bitte lieferung paket erstattung konto app aktualisierung problem warten tage woche kundendienst antwort heute wieder preis sendungsverfolgung anmeldung passwort kaputt doppelt berechnet laden bewertung team produkt neue version fehler langsam kündigen abo rechnung rücksendung größe farbe rabatt gutschein toll enttäuscht schnell',
} as const;

export type Language = keyof typeof LANGUAGES;
export const VOCABULARY: Record<Language, string[]> = Object.fromEntries(
  Object.entries(LANGUAGES).map(([lang, words]) => [lang, words.split(' ')]),
) as Record<Language, string[]>;

/** Share of messages in each language (the rest English). */
export const LANGUAGE_SHARE: [Language, number][] = [
  ['en', 0.7],
  ['fr', 0.12],
  ['es', 0.1],
  ['de', 0.08],
];

/** Terms the benchmark searches for that most messages contain (the first English words). */
export const COMMON_TERMS = ['order', 'thanks', 'delivery'];
/** Rare terms: one of them is added to a small share of messages (RARE_SHARE), nowhere else. */
export const SELECTIVE_TERMS = ['chargeback', 'ombudsman', 'escalation'];
export const RARE_SHARE = 0.002;

export const TAGS = ['refund', 'bug', 'praise', 'shipping', 'billing', 'feature-request', 'spam', 'vip', 'press', 'returns', 'login', 'pricing'];

/** A message of 6 to 30 words in one language, skewed as the bulk load's SQL does it. */
export function messageText(random: () => number = Math.random): string {
  let r = random();
  let lang: Language = 'en';
  for (const [l, share] of LANGUAGE_SHARE) {
    if (r < share) {
      lang = l;
      break;
    }
    r -= share;
  }
  const words = VOCABULARY[lang];
  const length = 6 + Math.floor(random() * 25);
  const text = Array.from({ length }, () => words[Math.floor(words.length * random() ** 3)]!).join(' ');
  return random() < RARE_SHARE ? `${text} ${SELECTIVE_TERMS[Math.floor(random() * SELECTIVE_TERMS.length)]}` : text;
}
