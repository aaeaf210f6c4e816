// The console's pages (hash routes as agreed in the split: #/products, #/orders/<id>, ...).

import { confirmView, forgotView, signInView, signUpView } from "./views/auth.js";
import { cartView, productView, productsView } from "./views/shop.js";
import { invoiceView, orderView, ordersView } from "./views/orders.js";
import { adminImportsView, adminInvoicesView, adminOrdersView, adminProductsView } from "./views/admin.js";

export const routes = [
  { pattern: "/signin", view: signInView },
  { pattern: "/signup", view: signUpView },
  { pattern: "/confirm", view: confirmView },
  { pattern: "/forgot", view: forgotView },
  { pattern: "/products", view: productsView, auth: true },
  { pattern: "/products/:id", view: productView, auth: true },
  { pattern: "/cart", view: cartView, auth: true },
  { pattern: "/orders", view: ordersView, auth: true },
  { pattern: "/orders/:id", view: orderView, auth: true },
  { pattern: "/invoices/:id", view: invoiceView, auth: true },
  { pattern: "/admin/products", view: adminProductsView, auth: true, admin: true },
  { pattern: "/admin/orders", view: adminOrdersView, auth: true, admin: true },
  { pattern: "/admin/invoices", view: adminInvoicesView, auth: true, admin: true },
  { pattern: "/admin/imports", view: adminImportsView, auth: true, admin: true },
];
