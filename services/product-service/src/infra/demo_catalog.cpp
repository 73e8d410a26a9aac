#include "infra/demo_catalog.hpp"

#include <array>
#include <cstdint>
#include <string>

#include "app/product_events.hpp"
#include "infra/sql_inventory_repository.hpp"
#include "infra/sql_product_repository.hpp"
#include "shop/core/ids.hpp"

namespace shop::product {
namespace {

struct CategorySpec {
  std::string_view name;
  std::string_view code;
  std::array<std::string_view, 8> items;
  std::int64_t base_cents;  // typical price of the cheapest item
  std::string_view blurb;
};

constexpr std::array<std::string_view, 5> kBrands = {"Acme", "Nova", "Zenith", "Orbit", "Juniper"};

constexpr std::array<CategorySpec, 8> kCategories = {{
    {"electronics",
     "ELEC",
     {"Wireless Headphones", "Bluetooth Speaker", "USB-C Charger", "Mechanical Keyboard", "Gaming Mouse",
      "27-inch Monitor", "HD Webcam", "Power Bank"},
     1999,
     "Reliable everyday electronics with a two-year warranty."},
    {"books",
     "BOOK",
     {"Cookbook", "Science Fiction Novel", "Travel Guide", "History of Rome", "Poetry Collection", "Programming in C++",
      "Children's Picture Book", "Mystery Thriller"},
     899,
     "A well-reviewed title, printed on recycled paper."},
    {"home-kitchen",
     "HOME",
     {"Chef's Knife", "Cast Iron Skillet", "French Press", "Cutting Board", "Stand Mixer", "Espresso Cups",
      "Stainless Kettle", "Storage Jars"},
     1299,
     "Built for daily use in a busy kitchen."},
    {"clothing",
     "CLTH",
     {"Cotton T-Shirt", "Denim Jacket", "Wool Sweater", "Rain Coat", "Linen Shirt", "Chino Trousers", "Hoodie",
      "Knit Beanie"},
     1499,
     "Comfortable fit, machine washable."},
    {"sports-outdoors",
     "SPRT",
     {"Yoga Mat", "Running Shoes", "Camping Tent", "Water Bottle", "Hiking Backpack", "Cycling Helmet",
      "Resistance Bands", "Trekking Poles"},
     1199,
     "Tested outdoors in every season."},
    {"toys-games",
     "TOYS",
     {"Building Blocks", "Jigsaw Puzzle", "Board Game", "Plush Bear", "Remote Control Car", "Card Game",
      "Wooden Train Set", "Science Kit"},
     999,
     "Fun for the whole family; ages 6 and up."},
    {"beauty",
     "BEAU",
     {"Face Moisturizer", "Shampoo", "Lip Balm", "Sunscreen SPF 50", "Hand Cream", "Body Wash", "Hair Conditioner",
      "Facial Cleanser"},
     599,
     "Dermatologically tested, fragrance free."},
    {"grocery",
     "GROC",
     {"Ground Coffee", "Green Tea", "Dark Chocolate", "Olive Oil", "Honey Jar", "Pasta", "Granola", "Maple Syrup"},
     399,
     "Sourced from independent producers."},
}};

// A small deterministic generator (no std::rand: same catalog on every machine).
struct Lcg {
  std::uint64_t state = 0x2545F4914F6CDD1DULL;
  std::uint64_t Next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  }
};

// The i-th demo product: 40 per category (8 items x 5 brands); past 320 the same templates
// come back as later "generations" with their own SKUs, so any count stays unique.
Product DemoProduct(int i, Lcg& rng, UnixMillis created_at) {
  const int per_gen = static_cast<int>(kCategories.size() * 8 * kBrands.size());
  const int gen = i / per_gen;
  const int k = i % per_gen;
  const auto& cat = kCategories[static_cast<std::size_t>(k / 40)];
  const auto item = static_cast<std::size_t>((k / 5) % 8);
  const auto b = static_cast<std::size_t>(k % 5);
  Product p;
  p.id = NewId();
  p.fields.sku =
      std::string(cat.code) + "-" + std::string(kBrands[b]).substr(0, 3) + "-" + std::to_string(1000 + item * 10 + b);
  if (gen > 0) p.fields.sku += "-G" + std::to_string(gen + 1);
  for (char& c : p.fields.sku) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  p.fields.name = std::string(kBrands[b]) + " " + std::string(cat.items[item]);
  if (gen > 0) p.fields.name += " Gen " + std::to_string(gen + 1);
  p.fields.description =
      std::string(cat.items[item]) + " by " + std::string(kBrands[b]) + ". " + std::string(cat.blurb);
  // Prices end in 99 and spread around the category's base price.
  const auto spread = static_cast<std::int64_t>(rng.Next() % 40);
  p.fields.price_cents = (cat.base_cents / 100 + spread + static_cast<std::int64_t>(item) * 3) * 100 + 99;
  p.fields.currency = "USD";
  p.fields.category = std::string(cat.name);
  p.created_at = p.updated_at = created_at;
  // Most products are in stock; every eleventh may be sold out.
  p.stock_available = static_cast<std::int64_t>(rng.Next() % 200) + (i % 11 == 0 ? 0 : 5);
  return p;
}

}  // namespace

Result<int> LoadDemoCatalog(db::Database& db, const Clock& clock) {
  return LoadDemoCatalog(db, clock, kDemoCatalogSize);
}

Result<int> LoadDemoCatalog(db::Database& db, const Clock& clock, int count) {
  infra::SqlProductRepository products;
  infra::SqlInventoryRepository inventory;
  return db.Write([&](db::Tx& tx) -> Result<int> {
    auto live = products.CountLive(tx);
    if (!live) return live.error();
    if (*live > 0) return 0;
    Lcg rng;
    const UnixMillis start = clock.NowMs() - static_cast<UnixMillis>(count) * 1000;
    for (int i = 0; i < count; ++i) {
      Product p = DemoProduct(i, rng, start + static_cast<UnixMillis>(i) * 1000);
      if (auto r = products.Insert(tx, p); !r) return r.error();
      if (auto r = inventory.Create(tx, p.id, p.stock_available, p.created_at); !r) return r.error();
      if (auto r = AppendProductEvent(tx, "ProductCreated", p, clock); !r) return r.error();
    }
    return count;
  });
}

}  // namespace shop::product
