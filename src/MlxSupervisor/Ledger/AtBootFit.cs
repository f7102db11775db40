namespace MlxSupervisor.Ledger;

/// <summary>Whether the AtBoot servers' estimates fit <c>Fleet:MemoryBudget</c> together (<see cref="RoomPolicy.FitsAtBoot"/>).</summary>
/// <param name="Total">Their estimates added up.</param>
/// <param name="Budget">The budget; null is no budget, which anything fits.</param>
/// <param name="Refusal">When they do not fit: one line for the validator, naming the keys and the figures.</param>
public sealed record AtBootFit(bool Fits, long Total, long? Budget, string? Refusal);
