// The cart, kept in localStorage: [{ productId, name, sku, price, quantity }].

const KEY = "shop.cart";
const MAX_QUANTITY = 100;
const listeners = new Set();

export function cartItems() {
  try {
    const items = JSON.parse(localStorage.getItem(KEY));
    return Array.isArray(items) ? items : [];
  } catch {
    return [];
  }
}

function save(items) {
  localStorage.setItem(KEY, JSON.stringify(items));
  listeners.forEach((listener) => listener(items));
}

export function onCartChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function addToCart(product, quantity = 1) {
  const items = cartItems();
  const existing = items.find((item) => item.productId === product.id);
  if (existing) existing.quantity = Math.min(existing.quantity + quantity, MAX_QUANTITY);
  else items.push({ productId: product.id, name: product.name, sku: product.sku, price: product.price, quantity });
  save(items);
}

export function setQuantity(productId, quantity) {
  const items = cartItems()
    .map((item) => (item.productId === productId ? { ...item, quantity: Math.min(quantity, MAX_QUANTITY) } : item))
    .filter((item) => item.quantity > 0);
  save(items);
}

export function clearCart() {
  save([]);
}

export function cartCount() {
  return cartItems().reduce((sum, item) => sum + item.quantity, 0);
}

export function cartTotals() {
  const byCurrency = new Map();
  for (const item of cartItems()) {
    byCurrency.set(item.price.currency, (byCurrency.get(item.price.currency) || 0) + item.price.amount * item.quantity);
  }
  return [...byCurrency].map(([currency, amount]) => ({ amount, currency }));
}
